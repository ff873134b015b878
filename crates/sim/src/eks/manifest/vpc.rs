//! eksctl `ClusterConfig.vpc`: `cidr` and `subnets.{private,public}.<name>.{az, cidr, id}`
//! (eksctl.io "VPC configuration": subnets are keyed by a name, usually the zone, with `az`
//! when it is not). The simulator has no existing VPC to look an `id` up in, so each subnet
//! needs its `cidr`. Nodes (and so pods) use a zone's private subnet, else its public one.
//! Without `vpc.subnets` the cluster gets eksctl's default VPC (`substrate::eksctl`).

use super::read::{self, key_path};
use crate::error::Errors;
use crate::model::Subnet;
use crate::substrate::vpc::parse_cidr;
use serde_json::Value;

/// The subnets nodes use, one per zone at most (private preferred), in name order (the
/// parsed mapping is sorted by key).
pub fn subnets(v: &Value, path: &str, region: &str, e: &mut Errors) -> Vec<Subnet> {
    let Some((vp, vpc)) = read::object(v, "vpc", path, e) else { return Vec::new() };
    let vpc_block = read::string(vpc, "cidr", &vp, e).and_then(|c| match parse_cidr_any(&c) {
        Ok(b) => Some(b),
        Err(m) => {
            e.push(key_path(&vp, "cidr"), m);
            None
        }
    });
    let Some((sp, subnets)) = read::object(vpc, "subnets", &vp, e) else { return Vec::new() };
    let mut out: Vec<(bool, Subnet, String)> = Vec::new();
    for (kind, private) in [("private", true), ("public", false)] {
        let Some((kp, group)) = read::object(subnets, kind, &sp, e) else { continue };
        let Some(map) = group.as_object() else { continue };
        for (name, s) in map {
            let p = format!("{kp}[{name:?}]");
            if !s.is_object() {
                e.push(&p, format!("must be an object with cidr (and az), not {}", read::type_name(s)));
                continue;
            }
            let az = read::string(s, "az", &p, e).unwrap_or_else(|| name.clone());
            if !region.is_empty() && !(az.starts_with(region) && az.len() > region.len()) {
                e.push(key_path(&p, "az"), format!("\"{az}\" is not a zone of region {region} (name the subnet by its zone or give az)"));
                continue;
            }
            let Some(cidr) = read::string(s, "cidr", &p, e) else {
                if read::field(s, "cidr").is_none() {
                    e.push(key_path(&p, "cidr"), "is required: the simulator has no existing VPC to look a subnet id up in");
                }
                continue;
            };
            let (first_host, usable) = match parse_cidr(&cidr) {
                Ok(x) => x,
                Err(m) => {
                    e.push(key_path(&p, "cidr"), m);
                    continue;
                }
            };
            let block = (first_host - 4, usable + 5);
            if let Some((vb, vn)) = vpc_block {
                if block.0 < vb || block.0 + block.1 > vb + vn {
                    e.push(key_path(&p, "cidr"), format!("{cidr} is not inside the VPC's cidr"));
                }
            }
            if let Some((_, other, op)) = out.iter().find(|(_, o, _)| block.0 < o.first_host - 4 + o.usable + 5 && o.first_host - 4 < block.0 + block.1) {
                e.push(key_path(&p, "cidr"), format!("{cidr} overlaps {} ({op})", other.cidr));
                continue;
            }
            let id = read::string(s, "id", &p, e).unwrap_or_else(|| format!("subnet-{kind}-{name}"));
            out.push((private, Subnet { id, availability_zone: az, cidr, first_host, usable }, p));
        }
    }
    // One per zone: its private subnet, else its public one (the first listed).
    let mut chosen: Vec<Subnet> = Vec::new();
    for want_private in [true, false] {
        for (private, s, _) in &out {
            if *private == want_private && !chosen.iter().any(|c| c.availability_zone == s.availability_zone) {
                chosen.push(s.clone());
            }
        }
    }
    chosen
}

/// A VPC block `10.0.0.0/16` (any prefix /16 to /28) → (base, size).
fn parse_cidr_any(cidr: &str) -> Result<(u32, u32), String> {
    let (first, usable) = parse_cidr(cidr)?;
    Ok((first - 4, usable + 5))
}
