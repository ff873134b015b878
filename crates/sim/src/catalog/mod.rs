//! Static AWS facts the model needs: instance sizes, awsvpc task limits, Fargate sizes.

pub mod eni;
pub mod fargate;
pub mod instance_types;
