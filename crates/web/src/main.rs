//! stevedore-web: the browser app. It asks the sim and draws; it never decides.

mod app;
mod chart_data;
mod charts;
mod editor;
mod event_log;
mod inspector;
mod json_locate;
mod keys;
mod layout;
mod narrative;
mod paint;
mod palette;
mod platform;
mod scenarios;
mod share;
mod storage;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
