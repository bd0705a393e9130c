//! Customer value models.

// -- purchase value --

// -- co-creation --
