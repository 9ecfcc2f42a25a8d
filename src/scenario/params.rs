//! Every model parameter, declared once: key, type, default, unit, valid range and meaning.
//!
//! The `define_params!` table below is the single source for validation, `coordsim explain`,
//! error messages, the manifest and the parameter table in docs/model.md (a test keeps that
//! table in sync). Adding a parameter is one line here.

use serde::Serialize;

use super::value::{ParamType, Range, RawValue, choice_enum};

choice_enum! {
    /// How external funders split their budget between direct service and coordination work.
    FundingPolicy {
        /// Everything funds direct service delivery (the status quo).
        DirectService = "direct_service",
        /// An earmarked share funds coordination work.
        CoordinationShare = "coordination_share",
        /// The coordination share is a matching pool, matched quadratically to member contributions.
        Quadratic = "quadratic",
        /// The coordination share pays networks for their measured past coordination value.
        Retroactive = "retroactive",
    }
}

choice_enum! {
    /// How members contribute to their network's pool.
    ContributionRule {
        /// Every member pays the same amount (the rate times the network's mean production).
        Flat = "flat",
        /// Every member pays the rate times its own production.
        Proportional = "proportional",
        /// Members match what others paid last tick; free riders pay nothing.
        Conditional = "conditional",
    }
}

choice_enum! {
    /// How a network's pool is allocated to its members.
    AllocationRule {
        /// Equal shares.
        Equal = "equal",
        /// In proportion to unmet need.
        Needs = "needs",
        /// Quadratic funding: weight (sum over trusted co-members of sqrt(contribution))^2.
        Quadratic = "quadratic",
        /// Proposal vote: members vote for the most trusted proposer; proposals funded in vote order.
        Vote = "vote",
    }
}

choice_enum! {
    /// How a gathering is designed.
    GatheringDesign {
        /// One track for everyone.
        Universal = "universal",
        /// A shared plenary plus self-selected tracks at several depths.
        Tiered = "tiered",
    }
}

/// Where a parameter is documented: its key, unit, range, default and meaning.
#[derive(Debug, Clone)]
pub struct ParamSpec {
    pub key: &'static str,
    pub unit: &'static str,
    pub range: Range,
    pub default: toml::Value,
    pub help: &'static str,
}

macro_rules! define_params {
    ($(
        $(#[$smeta:meta])*
        $section:ident : $Section:ident {
            $( $field:ident : $ty:ty = $default:expr, $unit:literal, $range:expr, $help:literal; )*
        }
    )*) => {
        /// All parameters of a scenario, grouped by the TOML table they live in.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct Params { $( pub $section: $Section, )* }

        $(
            $(#[$smeta])*
            #[derive(Debug, Clone, PartialEq, Serialize)]
            pub struct $Section { $( #[doc = $help] pub $field: $ty, )* }

            impl Default for $Section {
                fn default() -> Self { Self { $( $field: $default, )* } }
            }
        )*

        impl Default for Params {
            fn default() -> Self { Self { $( $section: $Section::default(), )* } }
        }

        /// The table names that hold parameters.
        pub const SECTIONS: &[&str] = &[$( stringify!($section) ),*];

        /// Every parameter's documentation, in declaration order.
        pub fn specs() -> Vec<ParamSpec> {
            vec![$($(
                ParamSpec {
                    key: concat!(stringify!($section), ".", stringify!($field)),
                    unit: $unit,
                    range: $range,
                    default: <$ty as ParamType>::to_toml(&$default),
                    help: $help,
                },
            )*)*]
        }

        impl Params {
            /// Sets one parameter from a raw value. `Err(None)`: no such key;
            /// `Err(Some(msg))`: the value is not what the key expects.
            pub fn set(&mut self, key: &str, raw: &RawValue) -> Result<(), Option<String>> {
                match key {
                    $($(
                        concat!(stringify!($section), ".", stringify!($field)) => {
                            self.$section.$field = <$ty as ParamType>::parse(raw, &$range).map_err(Some)?;
                            Ok(())
                        }
                    )*)*
                    _ => Err(None),
                }
            }

            /// Every parameter's current value, in declaration order.
            pub fn values(&self) -> Vec<(&'static str, toml::Value)> {
                vec![$($(
                    (concat!(stringify!($section), ".", stringify!($field)),
                     <$ty as ParamType>::to_toml(&self.$section.$field)),
                )*)*]
            }
        }
    };
}

define_params! {
    /// How long and how often to run.
    run: RunParams {
        ticks: u32 = 104, "ticks (weeks)", Range::whole(1, 100_000), "Ticks to simulate after the initial state; one tick is one week.";
        seed: u64 = 42, "-", Range::whole(0, super::MAX_SEED), "Master seed; every replicate's seed derives from it and the replicate index (at most 2^53 - 1, so every tool reads it exactly).";
        replicates: u32 = 10, "runs", Range::whole(1, 100_000), "Independent replicates, run in parallel, each with its own random stream.";
    }
    /// What gets written.
    output: OutputParams {
        ties_every: u32 = 13, "ticks", Range::whole(0, 100_000), "Write ties.csv snapshots every this many ticks (0: only the first and last tick).";
    }
    /// The communities at tick 0.
    population: PopulationParams {
        communities: u32 = 200, "communities", Range::whole(2, 10_000_000), "Communities at tick 0.";
        regions: u32 = 10, "regions", Range::whole(1, 10_000_000), "Regions (local nodes); communities meet locally within their region.";
        value_dims: u32 = 4, "dimensions", Range::whole(1, 16), "Dimensions of the value vector in [0,1]^K.";
        practice_dims: u32 = 2, "dimensions", Range::whole(1, 16), "Dimensions of the hidden practice style, revealed only through joint work.";
        members_median: f64 = 12.0, "people", Range::real(1.0, 100_000.0), "Median members per community (log-normal).";
        members_spread: f64 = 0.7, "log-sd", Range::real(0.0, 3.0), "Log-normal sigma of members per community.";
        production_median: f64 = 1.0, "resources/tick", Range::real(0.0, 1.0e6), "Median production capacity per community per tick (log-normal).";
        production_spread: f64 = 0.3, "log-sd", Range::real(0.0, 3.0), "Log-normal sigma of production capacity.";
        initial_treasury_ticks: f64 = 4.0, "ticks of production", Range::real(0.0, 1000.0), "Initial treasury, in ticks of the community's own production.";
        spend_rate: f64 = 0.2, "share/tick", Range::real(0.0, 1.0), "Share of its treasury a community spends on its own work each tick (leaves the ledger).";
        technical_share: f64 = 0.3, "share", Range::real(0.0, 1.0), "Share of technical (e.g. Web3) communities; their technical level is high, the others' low.";
        technical_min_tech: f64 = 0.6, "technical level", Range::real(0.0, 1.0), "Technical communities' technical level is uniform on [technical_min_tech, 1].";
        other_max_tech: f64 = 0.4, "technical level", Range::real(0.0, 1.0), "Non-technical communities' technical level is uniform on [0, other_max_tech].";
        specialist_share: f64 = 0.35, "share", Range::real(0.0, 1.0), "Share of communities whose engagement depth is drawn from the specialist component of the engagement mix (the rest from the general one).";
        general_depth: f64 = 0.25, "depth", Range::real(0.0, 1.0), "Centre of the general component of preferred engagement depth (0: a general introduction, 1: a specialised working session).";
        specialist_depth: f64 = 0.75, "depth", Range::real(0.0, 1.0), "Centre of the specialist component of preferred engagement depth.";
        depth_spread: f64 = 0.15, "depth", Range::real(0.0, 1.0), "Spread of preferred engagement depth around its component's centre (uniform half-width, clamped to [0, 1]).";
        free_rider_share: f64 = 0.1, "share", Range::real(0.0, 1.0), "Share of communities that take aid but do not give it back.";
        initial_ties: f64 = 2.0, "ties/community", Range::real(0.0, 100.0), "Existing relationships each community starts with, to value-similar communities of its own region.";
        initial_trust: f64 = 0.6, "trust", Range::real(0.0, 1.0), "Trust of the relationships that exist at tick 0 (established local trust).";
        value_clusters: u32 = 3, "clusters", Range::whole(1, 1_000_000), "Value cultures: each community's values and practice lie near one culture's centre, independent of its region.";
        value_spread: f64 = 0.2, "value units", Range::real(0.0, 1.0), "Spread of initial values around the culture's centre (uniform half-width).";
        practice_spread: f64 = 0.3, "practice units", Range::real(0.0, 1.0), "Spread of hidden practice styles around the culture's centre (uniform half-width).";
    }
    /// Which of the seven steps run. Switching one off removes its effect (and what depends on it).
    mechanisms: MechanismParams {
        kinship: bool = true, "-", Range::Switch, "Step 1: encounters form ties between value-similar communities.";
        resonance: bool = true, "-", Range::Switch, "Step 2: joint work reveals practice alignment; misaligned ties weaken (off: no joint work, so no community passes stage 1).";
        mutual_support: bool = true, "-", Range::Switch, "Step 3: shocks create needs that trusted partners meet with aid (off: no shocks and no aid).";
        identity: bool = true, "-", Range::Switch, "Step 4: trusted clusters name themselves as networks.";
        pooling: bool = true, "-", Range::Switch, "Step 5: members contribute to and are allocated from a network pool (off: no pool, so no projects and no chapters).";
        collective_action: bool = true, "-", Range::Switch, "Step 6: networks run joint projects with superadditive value.";
        interdependence: bool = true, "-", Range::Switch, "Step 7: joint success builds shared infrastructure that cushions shocks and raises exit cost.";
    }
    /// Step 1: how communities meet and form ties.
    kinship: KinshipParams {
        encounters_per_tick: f64 = 0.5, "encounters/community/tick", Range::real(0.0, 100.0), "Expected encounters each community starts per tick.";
        local_share: f64 = 0.5, "share", Range::real(0.0, 1.0), "Share of encounters within the community's region (local nodes).";
        introduction_share: f64 = 0.3, "share", Range::real(0.0, 1.0), "Share of encounters through a trusted partner's partner (transitive trust); the rest are random.";
        introduction_boost: f64 = 1.0, "share", Range::real(0.0, 10.0), "Extra introductions per encounter at full coordination coverage (coordinators broker introductions).";
        similarity_threshold: f64 = 0.3, "value distance", Range::real(0.0, 1.0), "Bounded confidence: a tie forms only when normalised value distance is below this.";
        convergence_rate: f64 = 0.05, "share", Range::real(0.0, 0.5), "Deffuant convergence: share of the value difference closed at each interaction.";
        initial_trust: f64 = 0.45, "trust", Range::real(0.0, 1.0), "Trust of a new tie between identical communities (less for less similar ones).";
    }
    /// Step 2: recognition through practice.
    resonance: ResonanceParams {
        joint_work_rate: f64 = 0.08, "prob/tie/tick", Range::real(0.0, 1.0), "Chance per tick that a tie does joint work without coordination support.";
        coordinated_joint_work_rate: f64 = 0.6, "prob/tie/tick", Range::real(0.0, 1.0), "Extra chance per tick of joint work on a tie, times the coverage of the coordination serving both ends (their network's, or the lesser of the two).";
        observation_noise: f64 = 0.15, "alignment", Range::real(0.0, 1.0), "Noise (sd) on the practice alignment observed in one piece of joint work.";
        learning_rate: f64 = 0.3, "share", Range::real(0.0, 1.0), "Weight of a new observation in the perceived alignment.";
        min_alignment: f64 = 0.5, "alignment", Range::real(0.0, 1.0), "Perceived alignment below which joint work weakens the tie.";
        misalignment_penalty: f64 = 0.1, "share", Range::real(0.0, 1.0), "Share of trust lost when joint work shows misalignment.";
        prior_alignment: f64 = 0.5, "alignment", Range::real(0.0, 1.0), "Perceived practice alignment a new tie starts with, before joint work has shown any.";
        alignment_weight: f64 = 1.0, "share", Range::real(0.0, 1.0), "Success joint work loses per unit of practice distance between the partners (1: success scales with their true alignment; 0: practice does not matter).";
        practice_learning: f64 = 0.05, "share", Range::real(0.0, 0.5), "Share of the practice difference each partner closes in one piece of joint work (working together aligns how things are done).";
    }
    /// Step 3: reciprocal aid.
    mutual_support: MutualSupportParams {
        shock_probability: f64 = 0.04, "prob/tick", Range::real(0.0, 1.0), "Chance per tick that a community is hit by a shock.";
        shock_size_ticks: f64 = 4.0, "ticks of production", Range::real(0.0, 1000.0), "Need created by a shock, in ticks of the community's production.";
        reserve_ticks: f64 = 2.0, "ticks of production", Range::real(0.0, 1000.0), "Treasury a partner keeps for itself before it gives.";
        give_share: f64 = 0.5, "share", Range::real(0.0, 1.0), "Share of its slack a fully trusting partner will give to one request.";
        reciprocity_weight: f64 = 0.5, "share", Range::real(0.0, 1.0), "How much a one-sided aid balance reduces a partner's willingness to give.";
        asks_per_tick: u32 = 3, "partners", Range::whole(0, 1000), "Most trusted partners a needy community asks per tick.";
        need_relief_value: f64 = 1.5, "value/resource", Range::real(0.0, 100.0), "Value created by one unit of aid that meets a need (losses averted).";
        self_recovery: f64 = 0.1, "share/tick", Range::real(0.0, 1.0), "Share of unmet need a community covers from its own treasury each tick.";
    }
    /// Trust rules: growth by reciprocity, decay, betrayal, Dunbar budget.
    trust: TrustParams {
        half_life_ticks: f64 = 26.0, "ticks", Range::real(0.1, 1.0e6), "Trust on a tie halves after this many ticks without interaction.";
        tie_threshold: f64 = 0.5, "trust", Range::real(0.0, 1.0), "Trust at or above which a tie counts (fragmentation, ties.csv, aid).";
        cooperation_gain: f64 = 0.08, "share", Range::real(0.0, 1.0), "Share of the distance to full trust gained by one cooperation.";
        betrayal_penalty: f64 = 0.3, "share", Range::real(0.0, 1.0), "Share of trust lost by one defection (several times the gain).";
        drop_below: f64 = 0.05, "trust", Range::real(0.0, 1.0), "Ties whose trust falls below this are forgotten.";
        budget_base: f64 = 5.0, "ties", Range::real(1.0, 10_000.0), "Relationship budget of a community of budget_base members (Dunbar's innermost layer).";
        budget_per_layer: f64 = 4.0, "ties", Range::real(0.0, 10_000.0), "Extra ties per Dunbar layer (each layer is 3x the members of the one inside it).";
    }
    /// Step 4: naming, absorbing, merging, splitting, dissolving and exit.
    identity: IdentityParams {
        trust_threshold: f64 = 0.65, "trust", Range::real(0.0, 1.0), "Trust a tie needs to bind a cluster into a network.";
        min_size: u32 = 5, "communities", Range::whole(2, 1_000_000), "Smallest cluster that names itself; networks below dissolve_share of it dissolve.";
        dissolve_share: f64 = 0.5, "share of min_size", Range::real(0.0, 1.0), "A network with fewer than ceil(dissolve_share x min_size) members dissolves.";
        check_every: u32 = 4, "ticks", Range::whole(1, 100_000), "How often clusters are checked for naming, merging and splitting.";
        absorb_ties: u32 = 2, "ties", Range::whole(1, 1000), "Trusted ties into a network that make an unaffiliated community join it.";
        merge_ties: u32 = 4, "ties", Range::whole(1, 1_000_000), "Trusted ties between two networks that make them merge.";
        exit_distance: f64 = 0.35, "value distance", Range::real(0.0, 1.0), "Value distance to the network mean beyond which a member may exit (narrowed by centralization).";
        exit_trust: f64 = 0.3, "trust", Range::real(0.0, 1.0), "Mean trust to co-members below which a member may exit.";
        exit_probability: f64 = 0.1, "prob/check", Range::real(0.0, 1.0), "Chance per check that a member with a reason to exit does so (before exit costs).";
        identity_pull: f64 = 0.03, "share/tick", Range::real(0.0, 1.0), "Pull of members' values toward the network mean per tick at full coordination coverage (facilitated shared identity).";
        assigned_networks: u32 = 0, "networks", Range::whole(0, 1_000_000), "0: networks emerge. N > 0: communities are assigned to N networks by region at tick 0 (hierarchy).";
    }
    /// Step 5: pooling resources.
    pooling: PoolingParams {
        contribution_rule: ContributionRule = ContributionRule::Proportional, "-", ContributionRule::RANGE, "How members contribute to the pool.";
        contribution_rate: f64 = 0.1, "share of production", Range::real(0.0, 1.0), "Contribution per tick as a share of production.";
        allocation_rule: AllocationRule = AllocationRule::Needs, "-", AllocationRule::RANGE, "How the pool is allocated to members.";
        allocation_rate: f64 = 0.2, "share/tick", Range::real(0.0, 1.0), "Share of the pool allocated to members each tick.";
        coordination_share: f64 = 0.1, "share", Range::real(0.0, 1.0), "Share of contributions the pool spends on paid coordination.";
    }
    /// Step 6: collective action.
    collective_action: CollectiveActionParams {
        project_rate: f64 = 0.15, "prob/network/tick", Range::real(0.0, 1.0), "Chance per tick a network starts a project, at full coordination coverage.";
        project_size: f64 = 3.0, "x largest member production", Range::real(1.0, 1000.0), "Resources a project needs, as a multiple of its largest participant's production (more than any one member has).";
        team_size: u32 = 5, "communities", Range::whole(2, 1000), "Most members taking part in one project.";
        base_success: f64 = 0.85, "probability", Range::real(0.0, 1.0), "Success chance of a fully funded, coordinated, trusting, bridged, coherent project.";
        return_multiple: f64 = 1.3, "x resources", Range::real(0.0, 100.0), "Value returned per unit of resources by a successful two-member project.";
        superadditivity: f64 = 1.25, "exponent", Range::real(1.0, 3.0), "Value per unit of resources grows as (team / 2)^(superadditivity - 1): above 1, bigger teams create more per unit.";
        failure_penalty: f64 = 0.1, "share", Range::real(0.0, 1.0), "Share of trust lost between participants of a failed project.";
    }
    /// Step 7: interdependence.
    interdependence: InterdependenceParams {
        infrastructure_gain: f64 = 0.15, "stake", Range::real(0.0, 10.0), "Shared-infrastructure stake added to each participant tie by a successful project.";
        stake_half_life_ticks: f64 = 104.0, "ticks", Range::real(0.1, 1.0e6), "Half-life of shared-infrastructure stake without upkeep.";
        shock_cushion: f64 = 0.5, "share", Range::real(0.0, 1.0), "Largest share of a shock absorbed by shared infrastructure.";
        exit_cost: f64 = 1.0, "share", Range::real(0.0, 100.0), "How strongly stake lowers the chance to exit.";
        window_ticks: f64 = 13.0, "ticks", Range::real(1.0, 10_000.0), "Averaging window (EMA) for the inflow and own-production flows of the interdependence metric.";
    }
    /// External funders.
    funding: FundingParams {
        policy: FundingPolicy = FundingPolicy::CoordinationShare, "-", FundingPolicy::RANGE, "Funding policy.";
        coordination_share: f64 = 0.2, "share", Range::real(0.0, 1.0), "Share of the budget for coordination (earmark, matching pool or retro pot).";
        budget_per_tick: f64 = 20.0, "resources/tick", Range::real(0.0, 1.0e9), "External funding per tick, all funders together.";
        grant_cycle_ticks: u32 = 26, "ticks", Range::whole(1, 100_000), "Length of a grant cycle; coordination grants are reviewed at its end.";
        renewal_ratio: f64 = 1.0, "value/resource", Range::real(0.0, 100.0), "A coordination grant is renewed only if the coordination value its reviewer sees credited to its paid hours in the cycle reaches this times what the cycle granted (1: as much as the same resources buy as direct service).";
        review_noise: f64 = 0.5, "log-sd", Range::real(0.0, 10.0), "Noise of a grant review: the value a reviewer sees is the true value times a mean-one lognormal draw with this standard deviation of its logarithm (0: reviewers see exactly).";
        retro_visibility: f64 = 0.5, "share", Range::real(0.0, 1.0), "Share of coordination value retroactive funders can see and pay for.";
        direct_value_multiple: f64 = 1.0, "value/resource", Range::real(0.0, 100.0), "Value of one unit of direct-service funding.";
    }
    /// Coordination work: paid hours, volunteer hours and burnout.
    coordination: CoordinationParams {
        hour_cost: f64 = 1.0, "resources/hour", Range::real(0.001, 1.0e6), "Cost of one hour of paid coordination.";
        hours_per_person: f64 = 0.05, "hours/person/tick", Range::real(0.0, 1000.0), "Coordination a network needs per person per tick, before scale effects.";
        volunteer_hours: f64 = 0.015, "hours/person/tick", Range::real(0.0, 1000.0), "Volunteer coordination each member of a network's communities gives when fully energised.";
        open_volunteer_hours: f64 = 2.0, "hours/tick", Range::real(0.0, 1.0e6), "Volunteer coordination for communities outside networks (network weavers), when fully energised.";
        burnout_rate: f64 = 0.03, "share/tick", Range::real(0.0, 1.0), "Share of volunteer energy lost per tick of unpaid coordination.";
        recovery_rate: f64 = 0.1, "share/tick", Range::real(0.0, 1.0), "Share of lost volunteer energy regained per tick when coordination is fully paid.";
        capacity_decay: f64 = 0.25, "share/tick", Range::real(0.0, 1.0), "Share of coordination capacity lost per tick (facilitation must be renewed).";
        spend_rate: f64 = 0.25, "share/tick", Range::real(0.0, 1.0), "Share of a coordination budget spent on paid hours each tick.";
        capacity_multiplier: f64 = 1.0, "share", Range::real(0.0, 1.0), "Share of coordination hours (paid and volunteer) that become capacity. 0 is the counterfactual in which nobody does the connective work: no gatherings, brokered introductions, bridging, coordinated joint work or projects.";
        ramp_ticks: f64 = 8.0, "ticks", Range::real(0.0, 1000.0), "Time scale over which new paid coordinators become effective as they build relationships: an hour at tenure t counts 1 - exp(-(t + 1) / ramp_ticks) (0: at once); tenure restarts when a grant lapses.";
    }
    /// Governance: scale, cells, autonomy versus coherence.
    governance: GovernanceParams {
        centralization: f64 = 0.4, "share", Range::real(0.0, 1.0), "Central control in networks: standardizes members' practice toward the network's (central_pull), lowers coordination cost, narrows exit tolerance, and leaves less room for local adaptation.";
        cells: bool = false, "-", Range::Switch, "Networks organise in cells (autonomous teams that decide locally).";
        cell_size: f64 = 8.0, "people", Range::real(3.0, 10.0), "People per cell (the seed: 3-8, never more than 10).";
        dunbar_people: f64 = 150.0, "people", Range::real(1.0, 1.0e6), "People beyond which coordination cost grows faster than linearly without cells.";
        scale_exponent: f64 = 3.0, "exponent", Range::real(1.0, 5.0), "Coordination cost grows as people^scale_exponent beyond the Dunbar number (without cells).";
        cell_overhead: f64 = 0.15, "share", Range::real(0.0, 10.0), "Extra cost of coordinating between cells, per tenfold growth in cells.";
        central_saving: f64 = 0.5, "share", Range::real(0.0, 1.0), "Coordination cost saved at full centralization.";
        central_pull: f64 = 0.05, "share/tick", Range::real(0.0, 1.0), "Central standardization: share of the distance from a member's practice to its network's mean practice closed per tick at full centralization (times centralization).";
        adaptation_rate: f64 = 0.2, "share/tick", Range::real(0.0, 1.0), "Local adaptation: share of the distance from a community's practice to its local context closed per tick outside networks (times 1 - centralization inside one).";
        context_step: f64 = 0.02, "practice units/tick", Range::real(0.0, 1.0), "Standard deviation of each coordinate's step in the random walk of a community's local context per tick (reflected at 0 and 1).";
        central_intolerance: f64 = 0.5, "share", Range::real(0.0, 1.0), "At full centralization, members tolerate this much less value divergence before exiting.";
        coherence_weight: f64 = 1.0, "share", Range::real(0.0, 1.0), "How much a project's success depends on the network's value coherence.";
    }
    /// Knowledge gaps between technical and non-technical communities.
    knowledge: KnowledgeParams {
        gap_penalty: f64 = 0.6, "share", Range::real(0.0, 1.0), "Success lost by joint work across a full technical gap with no bridging.";
        bridging: bool = true, "-", Range::Switch, "Networks spend coordination capacity on bridging (translators).";
        bridge_share: f64 = 0.15, "share", Range::real(0.0, 1.0), "Share of a network's capacity spent on bridging when bridging is on.";
        bridge_hours: f64 = 0.05, "hours/community/tick", Range::real(0.001, 1000.0), "Bridging a member community needs for full bridging coverage.";
        knowledge_value: f64 = 0.5, "value/gap", Range::real(0.0, 100.0), "Value of knowledge gained by successful joint work, per unit of technical gap bridged.";
    }
    /// Gatherings and the inclusion paradox.
    gatherings: GatheringParams {
        every_ticks: u32 = 13, "ticks", Range::whole(0, 100_000), "Ticks between gatherings (0: no gatherings).";
        design: GatheringDesign = GatheringDesign::Tiered, "-", GatheringDesign::RANGE, "Universal (one track) or tiered (plenary plus self-selected tracks).";
        places: u32 = 30, "communities", Range::whole(1, 1_000_000), "Most communities one gathering can host.";
        hours_per_place: f64 = 0.3, "hours", Range::real(0.0, 1000.0), "Coordination capacity one place costs (tiered costs tiered_cost times more).";
        capacity_share: f64 = 0.5, "share", Range::real(0.0, 1.0), "Most of a host's spare coordination capacity one gathering may use (the rest stays for other work that tick).";
        tiered_cost: f64 = 1.3, "x", Range::real(1.0, 10.0), "Cost multiple of a tiered place over a universal one.";
        guest_share: f64 = 0.3, "share", Range::real(0.0, 1.0), "Share of a network gathering's places offered to guests: non-members tied to a member.";
        delegates: u32 = 3, "people", Range::whole(1, 1000), "People one attending community sends (at most its members).";
        encounters_per_attendee: u32 = 3, "encounters", Range::whole(0, 1000), "Encounters an attendee whose track matches its depth exactly has at a gathering (scaled by its match).";
        universal_depth: f64 = 0.25, "depth", Range::real(0.0, 1.0), "Depth of the one track of a universal gathering.";
        tracks: u32 = 2, "tracks", Range::whole(1, 100), "Tracks of a tiered gathering, at depths (k + 1/2) / tracks; each attendee picks the nearest.";
        depth_tolerance: f64 = 0.25, "depth", Range::real(0.001, 10.0), "Width of the match kernel: an attendee's match is exp(-(depth - track depth)^2 / (2 tolerance^2)).";
        knowledge_value: f64 = 0.3, "value/attendee", Range::real(0.0, 1000.0), "Knowledge a fully matched attendee takes home from a gathering (coordination value, scaled by its match).";
        fit_gain: f64 = 0.3, "share", Range::real(0.0, 1.0), "Share of its lost local fit a fully matched attendee regains from practices learned at a gathering.";
        tie_value: f64 = 0.2, "value/tie", Range::real(0.0, 1000.0), "Worth an attendee puts on each new tie made at a gathering when deciding whether to return.";
        attendance_cost: f64 = 0.3, "value", Range::real(0.0, 1000.0), "Cost of going to a gathering (delegates' time and travel) that an attendee weighs against its gain.";
        choice_noise: f64 = 0.1, "value", Range::real(0.001, 1000.0), "Scale of the logistic return choice: P(return) = 1 / (1 + exp(-(gain - cost) / noise)).";
        specialist_threshold: f64 = 0.5, "depth", Range::real(0.0, 1.0), "Depth at or above which a community counts as a specialist in the retention metrics (a reading only; no mechanism uses it).";
    }
    /// Pattern library and chapter replication.
    pattern_library: PatternLibraryParams {
        documentation_gain: f64 = 1.0, "entries", Range::real(0.0, 1000.0), "Library entries a network writes per successful project.";
        replication_rate: f64 = 0.0, "prob/network/tick", Range::real(0.0, 1.0), "Chance per tick a network with a large library spawns a new chapter.";
        library_half: f64 = 5.0, "entries", Range::real(0.001, 1.0e6), "Library size at which replication runs at half its rate.";
        seed_cost: f64 = 5.0, "resources", Range::real(0.0, 1.0e6), "Pool resources a new chapter costs.";
        chapter_trust: f64 = 0.6, "trust", Range::real(0.0, 1.0), "Trust of a new chapter's ties, reached with a full library.";
        learning_value: f64 = 0.05, "value/community/tick", Range::real(0.0, 100.0), "Knowledge value per member community per tick from a mature library (scaled by entries / (entries + library_half)).";
        max_communities: u32 = 1_000_000, "communities", Range::whole(2, 10_000_000), "Upper bound on communities, so replication cannot grow without limit.";
    }
    /// Formation stage thresholds.
    stages: StageParams {
        resonant_ties: u32 = 2, "ties", Range::whole(1, 1000), "Trusted ties with perceived alignment above resonance.min_alignment needed for stage 2.";
        aid_threshold: f64 = 0.5, "resources", Range::real(0.0, 1.0e9), "Aid given or received needed for stage 3.";
        pool_threshold: f64 = 0.5, "resources", Range::real(0.0, 1.0e9), "Resources contributed to pools, all time, needed for stage 5.";
        stake_threshold: f64 = 0.6, "stake", Range::real(0.0, 1.0e6), "Shared-infrastructure stake needed for stage 7.";
        full_share: f64 = 0.5, "share", Range::real(0.0, 1.0), "Share of a network's members at stage 7 at which the network has reached the last stage (first_full_stage_tick).";
    }
}

impl Params {
    /// Checks rules that tie several keys together; a broken one names both keys.
    pub fn check_consistency(&self) -> Result<(), Conflict> {
        let k = &self.kinship;
        if k.local_share + k.introduction_share > 1.0 + 1e-12 {
            let sum = format!("{} + {}", k.local_share, k.introduction_share);
            return Err(Conflict {
                keys: ["kinship.introduction_share", "kinship.local_share"],
                messages: [
                    format!(
                        "expected kinship.local_share + kinship.introduction_share <= 1, found {sum}"
                    ),
                    format!(
                        "expected kinship.local_share + kinship.introduction_share <= 1, found {sum}"
                    ),
                ],
            });
        }
        let (communities, regions) = (self.population.communities, self.population.regions);
        if regions > communities {
            return Err(Conflict {
                keys: ["population.regions", "population.communities"],
                messages: [
                    format!(
                        "expected at most population.communities ({communities}) regions, found {regions}"
                    ),
                    format!(
                        "expected at least population.regions ({regions}) communities, found {communities}"
                    ),
                ],
            });
        }
        let max = self.pattern_library.max_communities;
        if max < communities {
            return Err(Conflict {
                keys: ["pattern_library.max_communities", "population.communities"],
                messages: [
                    format!(
                        "expected at least population.communities ({communities}), found {max}"
                    ),
                    format!(
                        "expected at most pattern_library.max_communities ({max}) communities, found {communities}"
                    ),
                ],
            });
        }
        Ok(())
    }

    /// Defaults that follow other keys when the user did not set them (`explicit`): the
    /// regions default to at most the number of communities.
    pub fn adapt_defaults(&mut self, explicit: &[&str]) {
        if !explicit.contains(&"population.regions") {
            self.population.regions = Params::default()
                .population
                .regions
                .min(self.population.communities);
        }
    }
}

/// Two keys whose values break a rule together, and the message for each: the error names
/// whichever of them the user set.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The key blamed when both (or neither) were set first.
    pub keys: [&'static str; 2],
    pub messages: [String; 2],
}

impl Conflict {
    /// The key to blame and its message, given which keys the user set.
    pub fn blame(&self, was_set: impl Fn(&str) -> bool) -> (&'static str, &str) {
        let i = if !was_set(self.keys[0]) && was_set(self.keys[1]) {
            1
        } else {
            0
        };
        (self.keys[i], &self.messages[i])
    }
}

/// The parameter table of docs/model.md, generated from the specs (a test keeps them equal).
pub fn markdown_table() -> String {
    let mut s =
        String::from("| key | default | unit | valid values | meaning |\n|---|---|---|---|---|\n");
    for spec in specs() {
        s.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} |\n",
            spec.key, spec.default, spec.unit, spec.range, spec.help
        ));
    }
    s
}

/// Looks up one parameter's documentation.
pub fn spec(key: &str) -> Option<ParamSpec> {
    specs().into_iter().find(|s| s.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_in_its_own_range() {
        let mut p = Params::default();
        for (key, value) in Params::default().values() {
            let raw = match value {
                toml::Value::Integer(i) => RawValue::Integer(i),
                toml::Value::Float(f) => RawValue::Float(f),
                toml::Value::Boolean(b) => RawValue::Bool(b),
                toml::Value::String(s) => RawValue::String(s),
                _ => unreachable!(),
            };
            assert_eq!(p.set(key, &raw), Ok(()), "default of {key}");
        }
        assert_eq!(p, Params::default());
        assert!(p.check_consistency().is_ok());
    }

    #[test]
    fn keys_are_unique_and_documented() {
        let specs = specs();
        let mut keys: Vec<_> = specs.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), specs.len());
        assert!(
            specs
                .iter()
                .all(|s| !s.help.is_empty() && !s.unit.is_empty())
        );
    }

    #[test]
    fn unknown_key_and_bad_value_are_told_apart() {
        let mut p = Params::default();
        assert_eq!(p.set("trust.nope", &RawValue::Float(1.0)), Err(None));
        let err = p
            .set("trust.tie_threshold", &RawValue::Float(2.0))
            .unwrap_err();
        assert_eq!(err.as_deref(), Some("expected a number in [0, 1], found 2"));
        let err = p
            .set("funding.policy", &RawValue::String("lots".into()))
            .unwrap_err();
        assert!(
            err.unwrap()
                .contains("\"direct_service\", \"coordination_share\"")
        );
    }
}
