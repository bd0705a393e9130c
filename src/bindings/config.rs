//! The analysis configuration, read and checked by the core so that Python and saved JSON agree.

use super::errors::InputError;
use crate::config::AnalysisConfig;
use pyo3::prelude::*;

/// The default configuration as JSON.
#[pyfunction]
pub fn default_config() -> String {
    AnalysisConfig::default().to_json()
}

/// Parses and checks a configuration; returns it as JSON with every field present.
#[pyfunction]
pub fn check_config(text: &str) -> PyResult<String> {
    AnalysisConfig::from_json(text)
        .map(|c| c.to_json())
        .map_err(|e| InputError::new_err(e.to_string()))
}
