//! FIS action `parameters`: durations (ISO 8601), percentages and zones, each checked at its
//! JSON path (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html).

use super::Scenario;
use crate::error::Errors;
use crate::time::SimTime;
use serde_json::Value;
use std::collections::BTreeMap;

/// FIS action durations run from one minute to 12 hours.
const MIN_DURATION_MS: SimTime = 60_000;
const MAX_DURATION_MS: SimTime = 12 * 3_600_000;

/// An action's `parameters`: FIS passes every value as a string; numbers are accepted too.
pub(super) struct Params {
    pub(super) path: String,
    pub(super) map: BTreeMap<String, Value>,
}

impl Params {
    pub(super) fn only(&self, action_id: &str, known: &[&str], errors: &mut Errors) {
        for k in self.map.keys().filter(|k| !known.contains(&k.as_str())) {
            let takes = if known.is_empty() { "no parameters".to_string() } else { known.join(", ") };
            errors.push(format!("{}.{k}", self.path), format!("{action_id} takes {takes}"));
        }
    }

    pub(super) fn text(&self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    pub(super) fn duration(&self, key: &str, required: bool, errors: &mut Errors) -> Option<SimTime> {
        let path = format!("{}.{key}", self.path);
        let Some(text) = self.text(key) else {
            if required {
                errors.push(path, "required: an ISO 8601 duration such as PT10M (1 minute to 12 hours)");
            }
            return None;
        };
        match iso_duration_ms(&text) {
            Some(ms) if (MIN_DURATION_MS..=MAX_DURATION_MS).contains(&ms) => Some(ms),
            Some(_) => {
                errors.push(path, format!("{text}: a duration is 1 minute (PT1M) to 12 hours (PT12H)"));
                None
            }
            None => {
                errors.push(path, format!("`{text}` is not an ISO 8601 duration such as PT10M, PT90S or PT1H30M"));
                None
            }
        }
    }

    pub(super) fn percentage(&self, key: &str, default: Option<u32>, errors: &mut Errors) -> Option<u32> {
        let path = format!("{}.{key}", self.path);
        let Some(text) = self.text(key) else {
            if default.is_none() {
                errors.push(path, "required: a percentage, 1-100");
            }
            return default;
        };
        match text.trim().parse::<u32>() {
            Ok(p) if (1..=100).contains(&p) => Some(p),
            _ => {
                errors.push(path, format!("`{text}` is not a percentage from 1 to 100"));
                None
            }
        }
    }

    /// `availabilityZoneIdentifiers`: comma-separated zone names, each one of the scenario's.
    pub(super) fn zones(&self, key: &str, s: &Scenario, errors: &mut Errors) -> Vec<String> {
        let path = format!("{}.{key}", self.path);
        let Some(text) = self.text(key) else {
            errors.push(path, "required: the Availability Zones, comma-separated (e.g. \"us-east-1a\")");
            return vec![];
        };
        let zones: Vec<String> = text.split(',').map(|z| z.trim().to_string()).filter(|z| !z.is_empty()).collect();
        for z in &zones {
            if let Err(m) = super::fault_targets::known_zone(z, s) {
                errors.push(path.clone(), m);
            }
        }
        zones
    }
}

/// `PT10M`, `PT90S`, `PT1H30M`, `PT0.5H` → milliseconds. `P1D` (days) too.
pub fn iso_duration_ms(text: &str) -> Option<SimTime> {
    let rest = text.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    if days.is_empty() && time.is_empty() {
        return None;
    }
    let mut total = 0.0;
    let mut parse = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let &(_, ms) = units.iter().find(|(u, _)| *u == c)?;
                total += number.parse::<f64>().ok()? * ms;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    parse(days, &[('D', 86_400_000.0)])?;
    parse(time, &[('H', 3_600_000.0), ('M', 60_000.0), ('S', 1_000.0)])?;
    (total.is_finite() && total >= 0.0).then_some(total.round() as SimTime)
}

#[cfg(test)]
mod tests {
    use super::iso_duration_ms;

    #[test]
    fn iso_durations() {
        for (text, ms) in [("PT10M", Some(600_000)), ("PT90S", Some(90_000)), ("PT1H30M", Some(5_400_000)), ("PT0.5H", Some(1_800_000)), ("P1D", Some(86_400_000)), ("10m", None), ("PT", None), ("PT5X", None), ("PT5", None)] {
            assert_eq!(iso_duration_ms(text), ms, "{text}");
        }
    }
}
