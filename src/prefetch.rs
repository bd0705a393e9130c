//! Software prefetch: a hint that the processor should start loading a cache line now, for
//! loops whose next addresses are known a few steps ahead but hide behind a chain of dependent
//! loads the processor cannot look past (node, then its row, then its neighbours' data).

/// Asks for the cache line holding `x` to be loaded; never reads it, never faults, no effect on
/// results. A no-op on processors without a stable prefetch instruction in Rust.
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` only needs SSE, part of every x86_64 processor, and a prefetch is a
    // hint that never dereferences its address architecturally; `x` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// [`prefetch`] of `xs[i]` when `i` is in range.
#[inline(always)]
pub(crate) fn prefetch_at<T>(xs: &[T], i: usize) {
    if let Some(x) = xs.get(i) {
        prefetch(x);
    }
}
