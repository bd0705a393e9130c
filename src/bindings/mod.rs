//! The Python extension module `socialcrm._core`: thin adapters from numpy arrays to the core.

mod community;
mod config;
mod errors;
mod graph;
mod influence;
mod run;
mod value;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    #[pymodule_export]
    use super::graph::{
        CsrGraph, build_graph, code_strings, edge_table, graph_stats, induced_subgraph, tie_pairs,
        to_undirected,
    };
    #[pymodule_export]
    use super::influence::degree;

    // -- centrality --
    #[pymodule_export]
    use super::influence::{
        eigenvector, hits, katz, kcore, pagerank, spectral_radius, structural_holes,
    };

    // -- paths --
    #[pymodule_export]
    use super::influence::{betweenness, harmonic, sampled_betweenness};

    // -- diffusion --
    #[pymodule_export]
    use super::influence::{edge_slots, maximize, spread};
    #[pymodule_export]
    use super::run::{check_panic_handling, check_run};

    // -- analysis configuration --
    #[pymodule_export]
    use super::config::{check_config, default_config};

    // -- community detection --
    #[pymodule_export]
    use super::community::{label_propagation, leiden, louvain};
    /// Fewest edges for Leiden's incremental iterations; smaller graphs get full ones.
    #[pymodule_export]
    const LEIDEN_INCREMENTAL_MIN_EDGES: usize = crate::community::INCREMENTAL_MIN_EDGES;

    // -- community evaluation --
    #[pymodule_export]
    use super::community::{community_quality, community_stats};

    // -- community roles and profiles --
    #[pymodule_export]
    use super::community::{community_profile, community_roles};

    // -- purchase value --
    #[pymodule_export]
    use super::value::{
        bgnbd_expected_new, bgnbd_fit, bgnbd_predict, gamma_gamma_fit, rfm_summary,
    };

    // -- co-creation value --
    #[pymodule_export]
    use super::value::{attribute_influence, grouped_item_counts, grouped_quantiles};
}
