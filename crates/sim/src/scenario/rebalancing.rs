//! `availabilityZoneRebalancing` on CreateService / UpdateService
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html).
//! CreateService defaults it to ENABLED for a service that can use it; UpdateService keeps the
//! service's value when the key is absent (API_UpdateService, availabilityZoneRebalancing).

use crate::error::Errors;
use crate::model::{Constraint, ServiceDef, SpreadField, Strategy};

/// Why a service can't rebalance across zones, if it can't.
pub fn incompatible(def: &ServiceDef) -> Option<&'static str> {
    let az_spread = Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into()));
    if def.daemon {
        return Some("DAEMON services place one task per instance and can't rebalance");
    }
    if def.placement.strategies.first().is_some_and(|s| *s != az_spread) {
        return Some("the first placement strategy must be spread on attribute:ecs.availability-zone");
    }
    // Stevedore's reading: rebalancing starts a task before it stops one, so it needs room above
    // the desired count.
    if def.maximum_percent <= 100 {
        return Some("maximumPercent must be above 100 so a task can start before one stops");
    }
    if def.placement.constraints.iter().any(|c| matches!(c, Constraint::MemberOf(q) if q.text.contains("ecs.availability-zone"))) {
        return Some("a memberOf constraint on attribute:ecs.availability-zone pins the zones");
    }
    None
}

/// The setting in force: ENABLED or DISABLED as given (ENABLED refused for a service that
/// can't rebalance), else ENABLED exactly when the service can rebalance.
pub fn resolve(path: &str, value: Option<&str>, def: &ServiceDef, errors: &mut Errors) -> bool {
    match value {
        None => incompatible(def).is_none(),
        Some("DISABLED") => false,
        Some("ENABLED") => match incompatible(def) {
            None => true,
            Some(why) => {
                errors.push(path.to_string(), format!("InvalidParameterException: Availability Zone rebalancing isn't supported for this service: {why}"));
                false
            }
        },
        Some(o) => {
            errors.push(path.to_string(), format!("`{o}` is not ENABLED or DISABLED"));
            false
        }
    }
}
