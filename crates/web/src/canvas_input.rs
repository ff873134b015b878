//! The canvas's pointer and wheel callbacks and the timeline's seek, shared by the ECS and EKS
//! views (a child of `app`: they speak its `Msg`). Click selects, double-click focuses, a
//! left-button drag pans, the wheel zooms about the pointer.

use super::Msg;
use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

pub(super) struct CanvasInput {
    pub click: Callback<MouseEvent>,
    pub dblclick: Callback<MouseEvent>,
    pub down: Callback<MouseEvent>,
    pub moved: Callback<MouseEvent>,
    pub up: Callback<MouseEvent>,
    pub wheel: Callback<WheelEvent>,
    pub seek: Callback<InputEvent>,
}

impl CanvasInput {
    pub(super) fn new(link: &Scope<super::App>) -> CanvasInput {
        let at = |e: &MouseEvent| (e.offset_x() as f64, e.offset_y() as f64);
        CanvasInput {
            click: link.callback(move |e: MouseEvent| { let (x, y) = at(&e); Msg::CanvasClick(x, y) }),
            dblclick: link.callback(move |e: MouseEvent| { let (x, y) = at(&e); Msg::Focus(x, y) }),
            down: link.callback(move |e: MouseEvent| { let (x, y) = at(&e); Msg::DragStart(x, y) }),
            moved: link.batch_callback(move |e: MouseEvent| (e.buttons() & 1 == 1).then(|| { let (x, y) = at(&e); Msg::DragMove(x, y) })),
            up: link.callback(|_: MouseEvent| Msg::DragEnd),
            wheel: link.callback(|e: WheelEvent| {
                e.prevent_default();
                Msg::Wheel(e.offset_x() as f64, e.offset_y() as f64, (-e.delta_y() / 100.0).clamp(-3.0, 3.0))
            }),
            seek: link.callback(|e: InputEvent| Msg::Seek(e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0))),
        }
    }
}
