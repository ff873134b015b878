//! ImageLocality (score, weight 1). The model does not cache images on nodes yet, so every
//! node holds none of the pod's images and scores 0, as a node without the image does in
//! Kubernetes (K8S …/imagelocality/image_locality.go). Kept as a plugin so the table shows it.

pub const NAME: &str = "ImageLocality";
pub const WEIGHT: i64 = 1;

pub fn score() -> i64 {
    0
}
