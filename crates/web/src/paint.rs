//! Issues a display list as canvas calls, in one pass. The only drawing code that touches
//! the browser.

use crate::layout::{Align, Scene, Shape};
use web_sys::CanvasRenderingContext2d;

pub fn paint(ctx: &CanvasRenderingContext2d, scene: &Scene, device_pixel_ratio: f64) {
    let _ = ctx.set_transform(device_pixel_ratio, 0.0, 0.0, device_pixel_ratio, 0.0, 0.0);
    let mut current_fill: Option<String> = None;
    for shape in &scene.shapes {
        match shape {
            Shape::Rect { r, fill, stroke: None, radius } if *radius == 0.0 => {
                // The cheap path: no path object, and the fill style only when it changes.
                if current_fill.as_deref() != Some(fill.as_str()) {
                    ctx.set_fill_style_str(fill);
                    current_fill = Some(fill.clone());
                }
                ctx.fill_rect(r.x, r.y, r.w, r.h);
            }
            Shape::Rect { r, fill, stroke, radius } => {
                ctx.begin_path();
                if *radius > 0.0 && r.w > 2.0 * radius && r.h > 2.0 * radius {
                    let _ = ctx.round_rect_with_f64(r.x, r.y, r.w, r.h, *radius);
                } else {
                    ctx.rect(r.x, r.y, r.w, r.h);
                }
                ctx.set_fill_style_str(fill);
                current_fill = Some(fill.clone());
                ctx.fill();
                if let Some(stroke) = stroke {
                    ctx.set_stroke_style_str(stroke);
                    ctx.set_line_width(2.0);
                    ctx.stroke();
                }
            }
            Shape::Text { x, y, text, size, colour, align, bold } => {
                ctx.set_font(&format!("{}{size:.0}px system-ui, sans-serif", if *bold { "600 " } else { "" }));
                ctx.set_text_align(match align {
                    Align::Left => "left",
                    Align::Centre => "center",
                });
                ctx.set_fill_style_str(colour);
                current_fill = Some(colour.clone());
                let _ = ctx.fill_text(text, *x, *y);
            }
            Shape::Line { from, to, colour, width } => {
                ctx.begin_path();
                ctx.move_to(from.0, from.1);
                ctx.line_to(to.0, to.1);
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(*width);
                ctx.stroke();
            }
        }
    }
}
