//! Community detection, evaluation and roles.

// -- detection --

// -- evaluation --

// -- roles and profiles --
