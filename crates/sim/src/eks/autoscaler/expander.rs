//! Expanders: which expansion option a scale-up takes (CA expander/*; FAQ.md "What are
//! Expanders?"). Each narrows the options in `--expander` order; the last ties are random.

use super::Expander;
use rand_core::RngCore;

/// One way to help the pending pods: add `nodes` nodes to `group`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpansionOption {
    pub group: usize,
    pub group_name: String,
    pub nodes: i64,
    /// Indices (into the pending list) of the pods these nodes would take.
    pub pods: Vec<usize>,
    /// The template node's capacity (cpu m, memory bytes) and Σ requests of the pods placed.
    pub node_cpu: i64,
    pub node_memory: i64,
    pub pods_cpu: i64,
    pub pods_memory: i64,
}

impl ExpansionOption {
    /// least-waste's score (expander/waste/waste.go): wasted cpu fraction + wasted memory
    /// fraction over the new nodes' capacity.
    pub fn waste(&self) -> f64 {
        let total_cpu = (self.node_cpu * self.nodes) as f64;
        let total_mem = (self.node_memory * self.nodes) as f64;
        let cpu = if total_cpu > 0.0 { (total_cpu - self.pods_cpu as f64) / total_cpu } else { 0.0 };
        let mem = if total_mem > 0.0 { (total_mem - self.pods_memory as f64) / total_mem } else { 0.0 };
        cpu + mem
    }
}

/// The options the expander keeps (`BestOptions`).
pub fn best(expander: &Expander, options: Vec<ExpansionOption>) -> Vec<ExpansionOption> {
    match expander {
        Expander::Random => options,
        Expander::MostPods => {
            let most = options.iter().map(|o| o.pods.len()).max().unwrap_or(0);
            options.into_iter().filter(|o| o.pods.len() == most).collect()
        }
        Expander::LeastNodes => {
            let least = options.iter().map(|o| o.nodes).min().unwrap_or(0);
            options.into_iter().filter(|o| o.nodes == least).collect()
        }
        Expander::LeastWaste => {
            let least = options.iter().map(ExpansionOption::waste).fold(f64::INFINITY, f64::min);
            options.into_iter().filter(|o| o.waste() == least).collect()
        }
        Expander::Priority(table) => {
            // The highest priority with a regex matching the group name (Go `MatchString`:
            // unanchored); unmatched groups are dropped unless nothing matches (then CA falls
            // back to every option).
            let prio = |name: &str| -> Option<i64> {
                table
                    .iter()
                    .filter(|(_, res)| res.iter().any(|r| crate::regex::Regex::new(r).is_ok_and(|re| re.is_match(name))))
                    .map(|(p, _)| *p)
                    .max()
            };
            let best = options.iter().filter_map(|o| prio(&o.group_name)).max();
            match best {
                None => options,
                Some(b) => options.into_iter().filter(|o| prio(&o.group_name) == Some(b)).collect(),
            }
        }
    }
}

/// Runs the expander chain, then picks uniformly among what is left.
pub fn choose(expanders: &[Expander], mut options: Vec<ExpansionOption>, rng: &mut dyn RngCore) -> Option<ExpansionOption> {
    for e in expanders {
        if options.len() <= 1 {
            break;
        }
        options = best(e, options);
    }
    if options.is_empty() {
        return None;
    }
    let k = (rng.next_u64() % options.len() as u64) as usize;
    Some(options.swap_remove(k))
}
