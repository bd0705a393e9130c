//! Coding string customer ids to node codes `0..n` numbered in sorted (byte, hence Unicode code
//! point) order, straight from Arrow-style string buffers (`offsets` into UTF-8 `data`).
//!
//! Rows are cut into one contiguous piece per thread and each piece is coded with its own hash
//! map; the (much smaller) piece dictionaries are then united, sorted, and every row remapped in
//! parallel. The result depends only on the input: the numbering is the sort order.

use crate::control::Control;
use crate::error::{CoreError, CoreResult};
use foldhash::fast::FixedState;
use hashbrown::HashTable;
use rayon::prelude::*;
use std::hash::BuildHasher;

/// One string column: row `i` is `data[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, Copy)]
pub struct StrColumn<'a> {
    /// `n_rows + 1` non-decreasing byte offsets into `data`.
    pub offsets: &'a [i64],
    /// The UTF-8 bytes.
    pub data: &'a [u8],
}

impl<'a> StrColumn<'a> {
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Row `i`; offsets were validated by `check`.
    fn get(&self, i: usize) -> &'a [u8] {
        &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    fn check(&self, column: usize) -> CoreResult<()> {
        let bad = |row: usize, got: i64| CoreError::BadValue {
            name: if column == 0 {
                "offsets"
            } else {
                "offsets (later column)"
            },
            row,
            expected: "non-decreasing and within the data buffer",
            got: got as f64,
        };
        if self.offsets.is_empty() {
            return Err(bad(0, 0));
        }
        if self.offsets[0] < 0 {
            return Err(bad(0, self.offsets[0]));
        }
        for (i, w) in self.offsets.windows(2).enumerate() {
            if w[1] < w[0] {
                return Err(bad(i + 1, w[1]));
            }
        }
        let last = self.offsets[self.offsets.len() - 1];
        if last as u64 > self.data.len() as u64 {
            return Err(bad(self.offsets.len() - 1, last));
        }
        Ok(())
    }
}

/// Codes of every column's rows, and the distinct strings in code order (as offsets + data).
#[derive(Debug, Clone, PartialEq)]
pub struct CodedStrings {
    /// One code per row, per column.
    pub codes: Vec<Vec<u32>>,
    /// `n_distinct + 1` offsets into `data`.
    pub offsets: Vec<i64>,
    /// The distinct strings, sorted, concatenated.
    pub data: Vec<u8>,
}

/// Hash partitions of the dictionary merge: enough to balance the threads.
const PARTITIONS: usize = 64;

/// A contiguous piece of one column, coded against its own dictionary.
struct Piece<'a> {
    column: usize,
    codes: Vec<u32>,
    words: Vec<&'a [u8]>,
    hashes: Vec<u64>,
}

fn hash_of(state: &FixedState, w: &[u8]) -> u64 {
    state.hash_one(w)
}

fn partition_of(hash: u64) -> usize {
    // The table uses the low bits; partition on the high ones.
    (hash >> 58) as usize % PARTITIONS
}

/// Codes the strings of all `columns` into one shared numbering, in sorted order.
///
/// # Errors
/// [`CoreError::BadValue`] for malformed offsets, [`CoreError::TooLarge`] beyond `u32::MAX - 1`
/// distinct strings, [`CoreError::Cancelled`] when cancelled.
pub fn code_strings(columns: &[StrColumn<'_>], ctl: &Control) -> CoreResult<CodedStrings> {
    for (k, c) in columns.iter().enumerate() {
        c.check(k)?;
    }
    let state = FixedState::with_seed(0x5eed);
    let pieces_per_column = rayon::current_num_threads().max(1);
    let mut jobs = Vec::new();
    for (k, c) in columns.iter().enumerate() {
        let n = c.len();
        let step = n.div_ceil(pieces_per_column).max(1);
        for start in (0..n).step_by(step) {
            jobs.push((k, start..(start + step).min(n)));
        }
    }
    ctl.start(4);
    let pieces: Vec<Piece<'_>> = jobs
        .into_par_iter()
        .map(|(k, rows)| code_piece(&columns[k], k, rows, &state))
        .collect();
    ctl.checkpoint()?;
    ctl.advance(1);

    // Unite the piece dictionaries, one hash partition per task: (piece, local id) -> global id.
    let by_partition: Vec<Partition<'_>> = (0..PARTITIONS)
        .into_par_iter()
        .map(|part| merge_partition(&pieces, part))
        .collect();
    let n_distinct: usize = by_partition.iter().map(|p| p.words.len()).sum();
    if n_distinct as u64 >= u64::from(u32::MAX) {
        return Err(CoreError::TooLarge {
            what: "distinct customer ids",
            got: n_distinct as u64,
            limit: u64::from(u32::MAX) - 1,
        });
    }
    let mut base = Vec::with_capacity(PARTITIONS);
    let mut distinct: Vec<&[u8]> = Vec::with_capacity(n_distinct);
    for p in &by_partition {
        base.push(distinct.len() as u32);
        distinct.extend_from_slice(&p.words);
    }
    ctl.checkpoint()?;
    ctl.advance(1);

    // Sort on an 8-byte big-endian prefix first: most comparisons never touch the strings.
    let mut order: Vec<(u64, u32)> = distinct
        .iter()
        .enumerate()
        .map(|(i, w)| (prefix(w), i as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| distinct[a.1 as usize].cmp(distinct[b.1 as usize]))
    });
    let mut rank = vec![0u32; n_distinct];
    for (r, &(_, i)) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    ctl.checkpoint()?;
    ctl.advance(1);

    let mut local_to_code: Vec<Vec<u32>> = pieces.iter().map(|p| vec![0; p.words.len()]).collect();
    for (part, p) in by_partition.iter().enumerate() {
        for &(piece, local, id) in &p.assigned {
            local_to_code[piece as usize][local as usize] = rank[(base[part] + id) as usize];
        }
    }
    let mut codes: Vec<Vec<u32>> = columns.iter().map(|c| vec![0u32; c.len()]).collect();
    let mut targets: Vec<&mut [u32]> = Vec::with_capacity(pieces.len());
    {
        let mut rest: Vec<&mut [u32]> = codes.iter_mut().map(|v| v.as_mut_slice()).collect();
        for p in &pieces {
            let slot = std::mem::take(&mut rest[p.column]);
            let (head, tail) = slot.split_at_mut(p.codes.len());
            rest[p.column] = tail;
            targets.push(head);
        }
    }
    pieces
        .par_iter()
        .zip(local_to_code.par_iter())
        .zip(targets.into_par_iter())
        .for_each(|((p, map), out)| {
            for (o, &c) in out.iter_mut().zip(&p.codes) {
                *o = map[c as usize];
            }
        });
    ctl.checkpoint()?;
    ctl.advance(1);

    let total: usize = distinct.iter().map(|w| w.len()).sum();
    let mut data = Vec::with_capacity(total);
    let mut offsets = Vec::with_capacity(n_distinct + 1);
    offsets.push(0i64);
    for &(_, i) in &order {
        data.extend_from_slice(distinct[i as usize]);
        offsets.push(data.len() as i64);
    }
    Ok(CodedStrings {
        codes,
        offsets,
        data,
    })
}

/// The first 8 bytes, big-endian, zero-padded: orders like the bytes themselves, except that
/// a string ending in NUL bytes ties with its shorter prefix (the full comparison settles it).
fn prefix(w: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = w.len().min(8);
    b[..n].copy_from_slice(&w[..n]);
    u64::from_be_bytes(b)
}

fn code_piece<'a>(
    column: &StrColumn<'a>,
    k: usize,
    rows: std::ops::Range<usize>,
    state: &FixedState,
) -> Piece<'a> {
    // Keys inline in the table: a lookup touches the table slot and the string bytes only.
    let mut table: HashTable<(&'a [u8], u32)> = HashTable::new();
    let mut words: Vec<&'a [u8]> = Vec::new();
    let mut hashes: Vec<u64> = Vec::new();
    let mut codes = Vec::with_capacity(rows.len());
    for i in rows {
        let w = column.get(i);
        let h = hash_of(state, w);
        let code = match table.find(h, |&(key, _)| key == w) {
            Some(&(_, id)) => id,
            None => {
                let id = words.len() as u32;
                words.push(w);
                hashes.push(h);
                table.insert_unique(h, (w, id), |&(key, _)| hash_of(state, key));
                id
            }
        };
        codes.push(code);
    }
    Piece {
        column: k,
        codes,
        words,
        hashes,
    }
}

/// The distinct words of one hash partition across all pieces.
struct Partition<'a> {
    words: Vec<&'a [u8]>,
    /// `(piece, local id, index in words)` of every piece word in the partition.
    assigned: Vec<(u32, u32, u32)>,
}

fn merge_partition<'a>(pieces: &[Piece<'a>], part: usize) -> Partition<'a> {
    let mut table: HashTable<u32> = HashTable::new();
    let mut words: Vec<&'a [u8]> = Vec::new();
    let mut hashes: Vec<u64> = Vec::new();
    let mut assigned = Vec::new();
    for (pi, p) in pieces.iter().enumerate() {
        for (local, (&w, &h)) in p.words.iter().zip(&p.hashes).enumerate() {
            if partition_of(h) != part {
                continue;
            }
            let id = match table.find(h, |&id| words[id as usize] == w) {
                Some(&id) => id,
                None => {
                    let id = words.len() as u32;
                    words.push(w);
                    hashes.push(h);
                    table.insert_unique(h, id, |&id| hashes[id as usize]);
                    id
                }
            };
            assigned.push((pi as u32, local as u32, id));
        }
    }
    Partition { words, assigned }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(words: &[&str]) -> (Vec<i64>, Vec<u8>) {
        let mut offsets = vec![0i64];
        let mut data = Vec::new();
        for w in words {
            data.extend_from_slice(w.as_bytes());
            offsets.push(data.len() as i64);
        }
        (offsets, data)
    }

    fn decode(c: &CodedStrings) -> Vec<String> {
        c.offsets
            .windows(2)
            .map(|w| String::from_utf8(c.data[w[0] as usize..w[1] as usize].to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn shared_sorted_numbering_across_columns() {
        let (o1, d1) = column(&["b", "a", "b", "é", ""]);
        let (o2, d2) = column(&["c", "a"]);
        let cols = [
            StrColumn {
                offsets: &o1,
                data: &d1,
            },
            StrColumn {
                offsets: &o2,
                data: &d2,
            },
        ];
        let coded = code_strings(&cols, &Control::new()).unwrap();
        assert_eq!(decode(&coded), ["", "a", "b", "c", "é"]);
        assert_eq!(coded.codes, vec![vec![2, 1, 2, 4, 0], vec![3, 1]]);
    }

    #[test]
    fn long_shared_prefixes_and_nul_bytes_sort_bytewise() {
        let words = [
            "customer-b",
            "a\0",
            "customer-a",
            "a",
            "a\0\0",
            "customer-",
            "customer-ab",
        ];
        let (o, d) = column(&words);
        let coded = code_strings(
            &[StrColumn {
                offsets: &o,
                data: &d,
            }],
            &Control::new(),
        )
        .unwrap();
        let mut want: Vec<&str> = words.to_vec();
        want.sort_unstable();
        assert_eq!(decode(&coded), want);
    }

    #[test]
    fn same_result_on_one_and_four_threads() {
        let words: Vec<String> = (0..5000)
            .map(|i| format!("C{}", (i * 7919) % 1237))
            .collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let (o, d) = column(&refs);
        let run = |n| {
            crate::parallel::with_threads(Some(n), || {
                code_strings(
                    &[StrColumn {
                        offsets: &o,
                        data: &d,
                    }],
                    &Control::new(),
                )
            })
            .unwrap()
        };
        let one = run(1);
        assert_eq!(one, run(4));
        let names = decode(&one);
        assert_eq!(names.len(), 1237);
        for (w, &c) in refs.iter().zip(&one.codes[0]) {
            assert_eq!(names[c as usize], *w);
        }
    }

    #[test]
    fn sliced_offsets_and_empty_columns() {
        let (o, d) = column(&["x", "y", "z"]);
        let cols = [
            StrColumn {
                offsets: &o[1..],
                data: &d,
            },
            StrColumn {
                offsets: &[0],
                data: &[],
            },
        ];
        let coded = code_strings(&cols, &Control::new()).unwrap();
        assert_eq!(decode(&coded), ["y", "z"]);
        assert_eq!(coded.codes, vec![vec![0, 1], vec![]]);
    }

    #[test]
    fn malformed_offsets_are_errors_not_panics() {
        let data = b"abc";
        for offsets in [&[0i64, 2, 1][..], &[0, 4], &[-1, 0], &[]] {
            let col = StrColumn { offsets, data };
            assert!(matches!(
                code_strings(&[col], &Control::new()),
                Err(CoreError::BadValue { .. })
            ));
        }
    }
}
