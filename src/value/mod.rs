//! Customer value: purchase value (CLV) and value co-created with other customers.

// -- purchase value: BG/NBD, Gamma-Gamma, Pareto/NBD fitted by maximum likelihood --

// -- co-creation: peer support, ideas, referrals, influence value --
