//! The properties the fuzz targets check, one module each, so that the regression tests on stable
//! replay exactly what the fuzzer ran.

pub mod kubeconfig;
pub mod render;
