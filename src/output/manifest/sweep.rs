//! What a sweep's manifest records of the sweep: its plan (what makes two sweeps the same
//! sweep), its seed rule and the shard a folder holds.

use serde::{Deserialize, Serialize};

use crate::world::rng::replicate_seed;

/// How a sweep's runs get their seeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedRule {
    /// Run r has seed `replicate_seed(master, r)`: every run its own seed (the default).
    #[default]
    PerRun,
    /// Run r (point p, replicate k) has seed `replicate_seed(master, k)`: replicate k of every
    /// point shares a seed (common random numbers), the seed of `coordsim run`'s replicate k.
    /// `master` is the point's `run.seed`: the master seed at every point unless the design
    /// varies it (the Morris dummy does).
    Common,
}

impl SeedRule {
    /// The names of the rules, as written in the `[sweep]` table.
    pub const NAMES: &'static [&'static str] = &["per_run", "common"];

    /// Reads a rule by its name (`per_run` or `common`; `per-run` as the flag spells it).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "per_run" | "per-run" => Ok(SeedRule::PerRun),
            "common" => Ok(SeedRule::Common),
            other => Err(format!(
                "expected one of per_run, common, found \"{other}\""
            )),
        }
    }

    /// The rule's name, as written in the `[sweep]` table and the plan.
    pub fn name(self) -> &'static str {
        match self {
            SeedRule::PerRun => "per_run",
            SeedRule::Common => "common",
        }
    }

    /// The seed of run `run`, which is replicate `replicate` of its point.
    pub fn seed(self, master: u64, run: u64, replicate: u32) -> u64 {
        match self {
            SeedRule::PerRun => replicate_seed(master, run),
            SeedRule::Common => replicate_seed(master, replicate as u64),
        }
    }

    /// The rule in words, for the manifest.
    pub fn text(self) -> &'static str {
        match self {
            SeedRule::PerRun => {
                "run r (point-major: r = point x replicates + replicate) has seed replicate_seed(master_seed, r)"
            }
            SeedRule::Common => {
                "common seeds: run r (point-major: r = point x replicates + replicate) has seed replicate_seed(master_seed, replicate), so replicate k of every point has the seed of coordsim run's replicate k"
            }
        }
    }

    fn is_per_run(&self) -> bool {
        *self == SeedRule::PerRun
    }
}

/// What makes two sweeps the same sweep: resuming and merging require equal plans. It stands
/// alone (it is also the work folder's `plan.json`), so it repeats the version, build and
/// scenario hash of the provenance header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub coordsim_version: String,
    /// Fingerprint of the build's sources: shards from different builds are not mixed.
    pub coordsim_build: String,
    pub scenario_name: String,
    pub scenario_sha256: String,
    pub overrides: Vec<String>,
    pub design: String,
    pub samples: u32,
    pub varied: Vec<String>,
    /// Each point's values, as written in the CSV files; listed for plans of at most 10,000
    /// points and for analyses (left out of larger sweeps, which give `levels`, so a huge
    /// sweep's plan is small).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Vec<String>>,
    /// For a plain sweep whose points are not listed: each varied key's levels (`KEY=V1,V2`
    /// or `KEY=LO..HI`), which with the design, samples and master seed give its points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    pub replicates: u32,
    pub master_seed: u64,
    /// The seed rule. Left out of plans of per-run sweeps, so their plans read as they did
    /// before the rule could be chosen (and older plans read back as per-run).
    #[serde(default, skip_serializing_if = "SeedRule::is_per_run")]
    pub seeds: SeedRule,
    pub series_every: u32,
    pub total_runs: u64,
    /// The sensitivity analysis whose design this sweep runs (`screen`, `sobol`); absent for a
    /// plain sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
}

impl Plan {
    /// The number of points (listed or not).
    pub fn point_count(&self) -> u64 {
        self.total_runs / u64::from(self.replicates.max(1))
    }
}

/// A sensitivity analysis: its method and settings, everything needed to lay out its design
/// again and to analyse the runs (after a resume or a merge, too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase", deny_unknown_fields)]
pub enum Analysis {
    /// Morris elementary effects (`coordsim screen`).
    Morris {
        /// The varied keys as given: `KEY=LO..HI` or `KEY=V1,V2,...`.
        vary: Vec<String>,
        levels: u32,
        trajectories: u32,
        /// Campolongo's selection: the most spread `trajectories` of this many candidates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        candidates: Option<u32>,
        metrics: Vec<String>,
        resamples: u32,
    },
    /// Sobol first-order and total indices (`coordsim sobol`).
    Sobol {
        vary: Vec<String>,
        /// Rows of each of the matrices A and B.
        rows: u32,
        /// Named groups of keys, analysed as one factor each; other keys stand alone.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<Group>,
        metrics: Vec<String>,
        resamples: u32,
    },
}

/// A named group of keys in a Sobol analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub keys: Vec<String>,
}

impl Analysis {
    pub fn vary(&self) -> &[String] {
        match self {
            Analysis::Morris { vary, .. } | Analysis::Sobol { vary, .. } => vary,
        }
    }

    pub fn metrics(&self) -> &[String] {
        match self {
            Analysis::Morris { metrics, .. } | Analysis::Sobol { metrics, .. } => metrics,
        }
    }

    /// The file of its results: `morris.csv` or `sobol.csv`.
    pub fn file(&self) -> &'static str {
        match self {
            Analysis::Morris { .. } => "morris.csv",
            Analysis::Sobol { .. } => "sobol.csv",
        }
    }
}

/// A shard: index `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole sweep, as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` with 0 <= I < N.
    pub fn parse(text: &str) -> Result<Self, String> {
        let err = || format!("--shard {text}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = text.split_once('/').ok_or_else(err)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| err())?,
            n.trim().parse().map_err(|_| err())?,
        );
        if count == 0 || index >= count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }

    /// The runs of this shard among `total`.
    pub fn runs(self, total: u64) -> (u64, u64) {
        let (i, n) = (self.index as u64, self.count as u64);
        (i * total / n, (i + 1) * total / n)
    }
}
