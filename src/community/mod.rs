//! Communities: segments customers form themselves, detected from who talks with whom.

// -- detection: leiden, louvain, label propagation --

// -- evaluation: modularity, conductance, coverage, partition comparison --

// -- roles inside communities and community profiles --
