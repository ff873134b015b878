//! Kubernetes resource quantities (`500m`, `1.5`, `1Gi`, `128974848`, `1e3`), the grammar of
//! k8s.io/apimachinery `resource.Quantity`: a decimal number, then one suffix — binary
//! (`Ki Mi Gi Ti Pi Ei`), decimal SI (`n u m "" k M G T P E`) or an exponent (`e3`, `E-2`).
//! `1GB`, `1K` (capital) and `1gi` are not quantities.

/// A parsed quantity in thousandths of a unit, rounded up as `Quantity.MilliValue()` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    pub milli: i128,
}

impl Quantity {
    /// Whole units, rounded up (`Quantity.Value()`): bytes for memory.
    pub fn value(self) -> i64 {
        let v = self.milli.div_euclid(1000) + i128::from(self.milli.rem_euclid(1000) != 0);
        v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }
    /// Millicores for cpu.
    pub fn millis(self) -> i64 {
        self.milli.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }
}

const RULE: &str = "must be a Kubernetes quantity such as 500m, 0.5, 2, 128974848, 512Mi or 1Gi \
     (suffixes Ki Mi Gi Ti Pi Ei, or n u m k M G T P E)";

/// Parses a quantity; the error is the rule broken, in a sentence.
pub fn parse(text: &str) -> Result<Quantity, String> {
    let s = text.trim();
    let bad = || {
        // `1GB` / `512MiB` / `100B`: what people write; Kubernetes quantities have no byte unit.
        let hint = s.strip_suffix('B').filter(|q| !q.is_empty() && parse(q).is_ok()).map(|q| {
            let num_end = q.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(q.len());
            let (num, unit) = q.split_at(num_end);
            match unit {
                "k" => format!("; quantities have no \"B\": write {num}k (powers of 10) or {num}Ki (powers of 2)"),
                "M" | "G" | "T" | "P" | "E" => format!("; quantities have no \"B\": write {q} (powers of 10) or {q}i (powers of 2)"),
                _ => format!("; quantities have no \"B\": write {q}"),
            }
        });
        format!("\"{text}\" {RULE}{}", hint.unwrap_or_default())
    };
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let num_len = body.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    let (num, suffix) = body.split_at(num_len);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return Err(bad());
    }
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return Err(format!("\"{text}\" is too large a quantity"));
    }
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad())? };
    let scale = frac_part.len() as i32;
    // value = mantissa × 10^(exp10 − scale) × 2^exp2; we want it × 1000.
    let (exp10, exp2): (i32, u32) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => {
            let exp = suffix.strip_prefix('e').or_else(|| suffix.strip_prefix('E')).ok_or_else(bad)?;
            let valid = !exp.is_empty() && exp.trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit());
            let e: i32 = if valid { exp.parse().map_err(|_| bad())? } else { return Err(bad()) };
            if e.abs() > 30 {
                return Err(format!("\"{text}\" is too large a quantity"));
            }
            (e, 0)
        }
    };
    let too_large = || format!("\"{text}\" is too large a quantity");
    let mut value = mantissa.checked_mul(1i128 << exp2).ok_or_else(too_large)?;
    let pow = exp10 + 3 - scale;
    if pow >= 0 {
        value = value.checked_mul(10i128.checked_pow(pow as u32).ok_or_else(too_large)?).ok_or_else(too_large)?;
    } else {
        let div = 10i128.checked_pow((-pow) as u32).unwrap_or(i128::MAX);
        value = value / div + i128::from(value % div != 0);
    }
    if value > (i64::MAX as i128) * 1000 {
        return Err(too_large());
    }
    Ok(Quantity { milli: if negative { -value } else { value } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_from_the_kubernetes_docs() {
        // K8SWEB concepts/configuration/manage-resources-containers: "128974848, 129e6, 129M, 128974848000m, 123Mi".
        assert_eq!(parse("128974848").unwrap().value(), 128_974_848);
        assert_eq!(parse("129e6").unwrap().value(), 129_000_000);
        assert_eq!(parse("129M").unwrap().value(), 129_000_000);
        assert_eq!(parse("128974848000m").unwrap().value(), 128_974_848);
        assert_eq!(parse("123Mi").unwrap().value(), 123 * 1024 * 1024);
        assert_eq!(parse("500m").unwrap().millis(), 500);
        assert_eq!(parse("0.5").unwrap().millis(), 500);
        assert_eq!(parse("1.5").unwrap().millis(), 1500);
        assert_eq!(parse("1Gi").unwrap().value(), 1 << 30);
        // 0.1m rounds up to 1m, as MilliValue does.
        assert_eq!(parse("100u").unwrap().millis(), 1);
    }

    #[test]
    fn rejects_what_kubernetes_rejects() {
        for bad in ["1GB", "1K", "1gi", "", "m", "1..5", "1.2.3", "abc", "1e", "1ee3", "5 Mi"] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(parse("1GB").unwrap_err().contains("Kubernetes quantity"));
        assert!(parse("99999999999999999999999999Ei").is_err());
    }
}
