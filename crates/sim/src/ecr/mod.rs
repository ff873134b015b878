//! Amazon ECR as the tasks see it: repositories holding images, image references in container
//! definitions, tag mutability, pull times and lifecycle policies (aws-semantics §8).

pub mod lifecycle;

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TagMutability {
    Mutable,
    Immutable,
    /// Immutable, except tags matching an exclusion filter (e.g. `latest`).
    ImmutableWithExclusion,
    /// Mutable, except tags matching an exclusion filter (e.g. `release-*`).
    MutableWithExclusion,
}

impl TagMutability {
    pub fn as_str(self) -> &'static str {
        match self {
            TagMutability::Mutable => "MUTABLE",
            TagMutability::Immutable => "IMMUTABLE",
            TagMutability::ImmutableWithExclusion => "IMMUTABLE_WITH_EXCLUSION",
            TagMutability::MutableWithExclusion => "MUTABLE_WITH_EXCLUSION",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub digest: String,
    /// Empty for an untagged image (a tag moved to a newer push).
    pub tags: Vec<String>,
    pub size_bytes: u64,
    pub pushed_at_unix_s: i64,
    /// `amd64` or `arm64`.
    pub architecture: String,
    /// Scan findings by severity (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED).
    pub findings: BTreeMap<String, u32>,
    /// Whether a scan has run (scan on push, or findings given in the scenario).
    pub scanned: bool,
}

#[derive(Debug, Clone)]
pub struct Repository {
    pub name: String,
    pub arn: String,
    /// `123456789012.dkr.ecr.us-east-1.amazonaws.com/name`, or `public.ecr.aws/alias/name`.
    pub uri: String,
    pub public: bool,
    pub tag_mutability: TagMutability,
    /// `imageTagMutabilityExclusionFilters` (WILDCARD filters) for the *_WITH_EXCLUSION settings.
    pub mutability_exclusions: Vec<String>,
    pub scan_on_push: bool,
    pub images: Vec<Image>,
    pub lifecycle: Option<lifecycle::LifecyclePolicy>,
}

/// Where a container image reference points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registry {
    /// A private ECR registry: `<account>.dkr.ecr.<region>.amazonaws.com`.
    EcrPrivate,
    /// ECR Public: `public.ecr.aws/<alias>`.
    EcrPublic { alias: String },
    /// Docker Hub or any other registry: Stevedore assumes such images exist.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub registry: Registry,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Splits `registry/repo:tag` or `registry/repo@sha256:...` the way Docker does: the first
/// path component is a registry host only if it contains a `.` or `:` or is `localhost`.
pub fn parse_image(image: &str) -> ImageRef {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) if h.contains('.') || h.contains(':') || h == "localhost" => (Some(h), p),
        _ => (None, rest),
    };
    // A `:` after the last `/` is a tag.
    let (path, tag) = match path.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p, Some(t.to_string())),
        _ => (path, None),
    };
    let registry = match host {
        Some(h) if is_private_ecr_host(h) => Registry::EcrPrivate,
        Some("public.ecr.aws") => match path.split_once('/') {
            Some((alias, _)) => Registry::EcrPublic { alias: alias.to_string() },
            None => Registry::Other,
        },
        _ => Registry::Other,
    };
    let repository = match &registry {
        Registry::EcrPublic { .. } => path.split_once('/').map_or(path, |(_, r)| r).to_string(),
        _ => path.to_string(),
    };
    // No tag and no digest means `latest`, as Docker pulls it.
    let tag = if tag.is_none() && digest.is_none() { Some("latest".to_string()) } else { tag };
    ImageRef { registry, repository, tag, digest }
}

fn is_private_ecr_host(h: &str) -> bool {
    let parts: Vec<&str> = h.split('.').collect();
    parts.len() >= 6 && parts[0].len() == 12 && parts[0].bytes().all(|b| b.is_ascii_digit()) && parts[1] == "dkr" && parts[2].starts_with("ecr") && h.ends_with(".amazonaws.com")
}

/// The repository-name rule (BOTO-ECR): lowercase alphanumeric components separated by `.`,
/// `_`, `__` or runs of `-`, optionally nested with `/`; 2-256 characters.
pub fn valid_repository_name(name: &str) -> bool {
    if name.len() < 2 || name.len() > 256 {
        return false;
    }
    name.split('/').all(|component| {
        let b = component.as_bytes();
        if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
            return false;
        }
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                i += 1;
                continue;
            }
            // A separator: `.`, `_`, `__`, or one or more `-`, between alphanumerics.
            let start = i;
            match c {
                b'.' => i += 1,
                b'_' => i += if b.get(i + 1) == Some(&b'_') { 2 } else { 1 },
                b'-' => {
                    while b.get(i) == Some(&b'-') {
                        i += 1;
                    }
                }
                _ => return false,
            }
            if start == 0 || !b.get(i).is_some_and(|n| n.is_ascii_lowercase() || n.is_ascii_digit()) {
                return false;
            }
        }
        true
    })
}

/// Image pull: a fixed cost (manifest, auth, container create) plus the layers at a steady
/// rate. AWS documents neither; these are typical values for a same-Region ECR pull.
pub const PULL_BASE_MS: u64 = 2_000;
pub const PULL_MIB_PER_S: u64 = 50;
/// With the layers already on the instance the agent only checks the manifest.
pub const CACHED_PULL_MS: u64 = 1_000;

pub fn pull_time_ms(size_bytes: u64) -> u64 {
    PULL_BASE_MS + size_bytes * 1000 / (PULL_MIB_PER_S * 1024 * 1024)
}

impl Repository {
    /// Whether a tag, once pushed, may not move to another image.
    pub fn immutable(&self, tag: &str) -> bool {
        let excluded = self.mutability_exclusions.iter().any(|f| lifecycle::wildcard_match(f, tag));
        match self.tag_mutability {
            TagMutability::Mutable => false,
            TagMutability::Immutable => true,
            TagMutability::ImmutableWithExclusion => !excluded,
            TagMutability::MutableWithExclusion => excluded,
        }
    }

    /// The image a reference names: by digest, or by tag.
    pub fn find(&self, r: &ImageRef) -> Option<usize> {
        match (&r.digest, &r.tag) {
            (Some(d), _) => self.images.iter().position(|i| &i.digest == d),
            (None, Some(t)) => self.images.iter().position(|i| i.tags.iter().any(|x| x == t)),
            (None, None) => None,
        }
    }

    /// PutImage: pushes `image`. An existing tag moves to it (MUTABLE) or the push is refused
    /// with AWS's ImageTagAlreadyExistsException (IMMUTABLE). Pushing an existing digest adds
    /// the tags to that image.
    pub fn push(&mut self, mut image: Image) -> Result<usize, String> {
        if self.tag_mutability != TagMutability::Mutable {
            if let Some(tag) = image.tags.iter().filter(|t| self.immutable(t)).find(|t| self.images.iter().any(|i| i.digest != image.digest && i.tags.contains(t))) {
                return Err(format!(
                    "ImageTagAlreadyExistsException: The image tag '{tag}' already exists in the '{}' repository and cannot be overwritten because the repository is immutable.",
                    self.name
                ));
            }
        }
        for other in self.images.iter_mut() {
            if other.digest != image.digest {
                other.tags.retain(|t| !image.tags.contains(t));
            }
        }
        if let Some(k) = self.images.iter().position(|i| i.digest == image.digest) {
            for t in image.tags.drain(..) {
                if !self.images[k].tags.contains(&t) {
                    self.images[k].tags.push(t);
                }
            }
            return Ok(k);
        }
        if self.scan_on_push {
            image.scanned = true;
        }
        self.images.push(image);
        Ok(self.images.len() - 1)
    }
}
