//! stevedore-web: the browser app. It asks the sim and draws; it never decides.

mod app;
mod blocks;
mod lookups;
mod capacity;
mod captions;
mod cards;
mod chart_data;
mod chart_layout;
mod charts;
mod compare_view;
mod cost_meter;
mod edges;
mod editor;
mod eks_adapter;
mod eks_captions;
mod eks_cards;
mod eks_charts;
mod eks_node_states;
mod eks_motion;
mod eks_identity;
mod eks_spot;
mod eks_services;
mod eks_load_balancers;
mod eks_inspector;
mod eks_scene;
mod event_log;
mod inspector;
mod json_locate;
mod json_strings;
mod keys;
mod layout;
mod legend;
mod minimap;
mod moves;
mod narrative;
mod paint;
mod palette;
mod platform;
mod scene;
mod scenarios;
mod share;
mod storage;
mod traffic;
mod yaml_locate;
mod zoom;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
