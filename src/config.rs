//! The parameters of a full analysis, as one serializable value.
//!
//! A run saves its configuration beside its results as JSON, so any run can be repeated. Reading
//! goes through [`AnalysisConfig::from_json`], which fills every missing field with its default,
//! rejects unknown fields (a misspelt key must not silently fall back to a default) and checks
//! every value's domain.

use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

/// Every parameter of `socialcrm.analyze`, grouped by analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisConfig {
    /// Seed of every randomized step (sampling, community detection, diffusion).
    pub seed: u64,
    /// Worker threads; `None` uses all cores.
    pub n_threads: Option<usize>,
    /// How the customer graph is built from the interactions.
    pub graph: GraphConfig,
    /// Influence measures and the advocate seed set.
    pub influence: InfluenceConfig,
    /// Community detection, tracking and profiles.
    pub community: CommunityConfig,
    /// Purchase value and co-created value.
    pub value: ValueConfig,
    /// The written report.
    pub report: ReportConfig,
}

/// How the customer graph is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphConfig {
    /// Keep who reached whom (`true`) or treat every interaction as mutual.
    pub directed: bool,
    /// Half-life of the time decay of interactions, e.g. "90D"; `None` for no decay.
    pub half_life: Option<String>,
    /// Edge weight the measures use: "weight" (summed), "none" (1 per edge) or "decayed".
    pub weight: String,
}

/// Influence measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InfluenceConfig {
    /// PageRank damping factor.
    pub damping: f64,
    /// Additive error bound of the sampled betweenness.
    pub betweenness_epsilon: f64,
    /// Failure probability of the sampled betweenness.
    pub betweenness_delta: f64,
    /// Size of the advocate seed set (0 skips it).
    pub advocates: usize,
    /// Diffusion model of the advocate seed set: "ic" or "lt".
    pub diffusion_model: String,
    /// Approximation parameter of IMM.
    pub imm_epsilon: f64,
}

/// Community detection and tracking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommunityConfig {
    /// Resolution of the Leiden objective.
    pub resolution: f64,
    /// "modularity" or "cpm".
    pub objective: String,
    /// Period of the community tracking windows (a pandas offset alias such as "QS").
    pub track_freq: String,
    /// Least Jaccard overlap for a community to continue into the next window.
    pub track_threshold: f64,
    /// Resolution of the segmentation of explicit memberships.
    pub membership_resolution: f64,
    /// Members listed per community in the profile.
    pub top_members: usize,
}

/// Purchase value and co-created value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValueConfig {
    /// Time unit of the purchase models: "D" or "W".
    pub rfm_freq: String,
    /// Horizon of every value, e.g. "12M".
    pub horizon: String,
    /// Discount rate per month.
    pub discount_rate: f64,
    /// L2 penalty of the purchase-model fits.
    pub penalizer_coef: f64,
    /// Cost of one support contact, in the currency of the amounts.
    pub cost_per_contact: f64,
    /// Share of peer-solved threads that would otherwise have become a support contact.
    pub deflection_rate: f64,
    /// Value of one implemented idea, when the ideas table has no value column.
    pub value_per_implemented_idea: f64,
    /// Cost of acquiring one customer through paid channels (saved by a referral).
    pub acquisition_cost: f64,
    /// Share of an influenced customer's CLV attributable to peers' influence.
    pub influenced_share: f64,
}

/// The written report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// Rows of the top-N tables.
    pub top_n: usize,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self {
            directed: true,
            half_life: None,
            weight: "weight".into(),
        }
    }
}

impl Default for InfluenceConfig {
    fn default() -> Self {
        Self {
            damping: 0.85,
            betweenness_epsilon: 0.05,
            betweenness_delta: 0.1,
            advocates: 10,
            diffusion_model: "ic".into(),
            imm_epsilon: 0.1,
        }
    }
}

impl Default for CommunityConfig {
    fn default() -> Self {
        Self {
            resolution: 1.0,
            objective: "modularity".into(),
            track_freq: "QS".into(),
            track_threshold: 0.3,
            membership_resolution: 1.0,
            top_members: 5,
        }
    }
}

impl Default for ValueConfig {
    fn default() -> Self {
        Self {
            rfm_freq: "W".into(),
            horizon: "12M".into(),
            discount_rate: 0.01,
            penalizer_coef: 0.0,
            cost_per_contact: 15.0,
            deflection_rate: 0.5,
            value_per_implemented_idea: 1000.0,
            acquisition_cost: 50.0,
            influenced_share: 0.2,
        }
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self { top_n: 10 }
    }
}

/// A configuration that cannot be read: not JSON, an unknown field or a wrong type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

impl AnalysisConfig {
    /// Reads a configuration from JSON; missing fields take their defaults.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let cfg: Self = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        cfg.validate().map_err(|e| ConfigError(e.to_string()))?;
        Ok(cfg)
    }

    /// The configuration as pretty-printed JSON with every field present.
    pub fn to_json(&self) -> String {
        // A struct of plain numbers, strings and options always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every value's domain.
    pub fn validate(&self) -> CoreResult<()> {
        if self.n_threads == Some(0) {
            return bad("n_threads", "at least 1 or null", 0.0);
        }
        one_of(
            "graph.weight",
            &self.graph.weight,
            &["weight", "none", "decayed"],
            "one of \"weight\", \"none\", \"decayed\"",
        )?;
        if let Some(h) = &self.graph.half_life {
            duration("graph.half_life", h, "DWMY")?;
        }
        let i = &self.influence;
        open_unit("influence.damping", i.damping)?;
        open_unit("influence.betweenness_epsilon", i.betweenness_epsilon)?;
        open_unit("influence.betweenness_delta", i.betweenness_delta)?;
        open_unit("influence.imm_epsilon", i.imm_epsilon)?;
        one_of(
            "influence.diffusion_model",
            &i.diffusion_model,
            &["ic", "lt"],
            "\"ic\" or \"lt\"",
        )?;
        let c = &self.community;
        non_negative("community.resolution", c.resolution)?;
        non_negative("community.membership_resolution", c.membership_resolution)?;
        one_of(
            "community.objective",
            &c.objective,
            &["modularity", "cpm"],
            "\"modularity\" or \"cpm\"",
        )?;
        open_unit("community.track_threshold", c.track_threshold)?;
        if c.track_freq.trim().is_empty() {
            return Err(CoreError::BadConfig {
                field: "community.track_freq",
                expected: "a pandas offset alias such as \"QS\" or \"MS\"",
                got: c.track_freq.clone(),
            });
        }
        let v = &self.value;
        one_of("value.rfm_freq", &v.rfm_freq, &["D", "W"], "\"D\" or \"W\"")?;
        duration("value.horizon", &v.horizon, "DWMY")?;
        non_negative("value.discount_rate", v.discount_rate)?;
        non_negative("value.penalizer_coef", v.penalizer_coef)?;
        non_negative("value.cost_per_contact", v.cost_per_contact)?;
        non_negative(
            "value.value_per_implemented_idea",
            v.value_per_implemented_idea,
        )?;
        non_negative("value.acquisition_cost", v.acquisition_cost)?;
        unit("value.deflection_rate", v.deflection_rate)?;
        unit("value.influenced_share", v.influenced_share)?;
        Ok(())
    }
}

fn bad<T>(name: &'static str, expected: &'static str, got: f64) -> CoreResult<T> {
    Err(CoreError::BadParameter {
        name,
        expected,
        got,
    })
}

fn open_unit(name: &'static str, x: f64) -> CoreResult<()> {
    if x > 0.0 && x < 1.0 {
        Ok(())
    } else {
        bad(name, "in (0, 1)", x)
    }
}

fn unit(name: &'static str, x: f64) -> CoreResult<()> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        bad(name, "in [0, 1]", x)
    }
}

fn non_negative(name: &'static str, x: f64) -> CoreResult<()> {
    if x >= 0.0 && x.is_finite() {
        Ok(())
    } else {
        bad(name, "finite and >= 0", x)
    }
}

fn one_of(
    field: &'static str,
    got: &str,
    allowed: &[&str],
    expected: &'static str,
) -> CoreResult<()> {
    if allowed.contains(&got) {
        return Ok(());
    }
    Err(CoreError::BadConfig {
        field,
        expected,
        got: got.to_owned(),
    })
}

/// A positive whole number followed by one unit letter, e.g. "90D" or "12M".
fn duration(field: &'static str, got: &str, units: &str) -> CoreResult<()> {
    let ok = got.len() >= 2
        && got[..got.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && got[..got.len() - 1].bytes().any(|b| b != b'0')
        && units.contains(&got[got.len() - 1..]);
    if ok {
        Ok(())
    } else {
        Err(CoreError::BadConfig {
            field,
            expected: "a positive whole number and a unit D, W, M or Y, e.g. \"12M\"",
            got: got.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_json() {
        let cfg = AnalysisConfig::default();
        assert_eq!(AnalysisConfig::from_json(&cfg.to_json()), Ok(cfg));
    }

    #[test]
    fn missing_fields_take_defaults() {
        let cfg = AnalysisConfig::from_json(r#"{"influence": {"damping": 0.9}}"#);
        let mut want = AnalysisConfig::default();
        want.influence.damping = 0.9;
        assert_eq!(cfg, Ok(want));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = AnalysisConfig::from_json(r#"{"influence": {"dampign": 0.9}}"#);
        assert!(err.is_err_and(|e| e.0.contains("dampign")));
    }

    #[test]
    fn domains_are_checked() {
        for (text, field) in [
            (r#"{"influence": {"damping": 1.0}}"#, "influence.damping"),
            (r#"{"value": {"horizon": "12"}}"#, "value.horizon"),
            (r#"{"value": {"horizon": "0M"}}"#, "value.horizon"),
            (r#"{"graph": {"weight": "heavy"}}"#, "graph.weight"),
            (r#"{"n_threads": 0}"#, "n_threads"),
            (
                r#"{"value": {"deflection_rate": 1.5}}"#,
                "value.deflection_rate",
            ),
        ] {
            let err = AnalysisConfig::from_json(text);
            assert!(
                err.as_ref().is_err_and(|e| e.0.contains(field)),
                "{text}: {err:?}"
            );
        }
    }

    #[test]
    fn wrong_types_are_rejected() {
        assert!(AnalysisConfig::from_json(r#"{"seed": "zero"}"#).is_err());
        assert!(AnalysisConfig::from_json("not json").is_err());
    }
}
