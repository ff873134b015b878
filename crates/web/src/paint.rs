//! Issues a display list as canvas calls, in one pass. The only drawing code that touches
//! the browser. World shapes get the zoom transform; the overlay (legend) does not.

use crate::scene::{Align, Dash, Scene, Shape};
use crate::zoom::Zoom;
use web_sys::CanvasRenderingContext2d;

pub fn paint(ctx: &CanvasRenderingContext2d, scene: &Scene, device_pixel_ratio: f64, zoom: &Zoom) {
    mark_first_paint(ctx);
    let dpr = device_pixel_ratio;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    // The background under a zoomed world, then the world, then the screen overlay.
    if let Some(first @ Shape::Rect { .. }) = scene.shapes.first() {
        draw_all(ctx, std::slice::from_ref(first));
    }
    let (s, e, f) = zoom.transform();
    let _ = ctx.set_transform(dpr * s, 0.0, 0.0, dpr * s, dpr * e, dpr * f);
    draw_all(ctx, &scene.shapes);
    draw_all(ctx, &scene.callouts);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    draw_all(ctx, &scene.overlay);
}

/// Test hook for issue 13's "first painted cluster" figure: the first time the cluster canvas
/// (`#cluster`, not a Compare thumbnail) is painted, its `data-first-paint-ms` gets
/// `performance.now()`, which counts from the navigation.
fn mark_first_paint(ctx: &CanvasRenderingContext2d) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static MARKED: AtomicBool = AtomicBool::new(false);
    if MARKED.load(Ordering::Relaxed) {
        return;
    }
    let Some(canvas) = ctx.canvas().filter(|c| c.id() == "cluster") else { return };
    let now = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    let _ = canvas.set_attribute("data-first-paint-ms", &format!("{now:.1}"));
    MARKED.store(true, Ordering::Relaxed);
}

fn dash(ctx: &CanvasRenderingContext2d, d: Dash, width: f64) {
    let pattern: &[f64] = match d {
        Dash::Solid => &[],
        Dash::Dashed => &[3.0 * width, 2.0 * width],
        Dash::Dotted => &[width, 1.5 * width],
        Dash::Long => &[7.0 * width, 3.0 * width],
        Dash::Sparse => &[2.0 * width, 4.0 * width],
    };
    let array = js_sys::Array::new();
    for v in pattern {
        array.push(&wasm_bindgen::JsValue::from_f64(*v));
    }
    let _ = ctx.set_line_dash(&array);
}

/// Shapes in canvas pixels, untransformed (a chart: its canvas is sized to its CSS box).
pub fn paint_flat(ctx: &CanvasRenderingContext2d, shapes: &[Shape]) {
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.set_line_join("round");
    draw_all(ctx, shapes);
}

fn draw_all(ctx: &CanvasRenderingContext2d, shapes: &[Shape]) {
    let mut current_fill: Option<&str> = None;
    let mut current_font: Option<(f64, bool)> = None;
    let mut dashed = false;
    for shape in shapes {
        match shape {
            Shape::Rect { r, fill, stroke: None, radius } if *radius == 0.0 => {
                // The cheap path: no path object, and the fill style only when it changes.
                if current_fill != Some(fill.as_str()) {
                    ctx.set_fill_style_str(fill);
                    current_fill = Some(fill);
                }
                ctx.fill_rect(r.x, r.y, r.w, r.h);
            }
            Shape::Rect { r, fill, stroke, radius } => {
                ctx.begin_path();
                if *radius > 0.0 && r.w >= 2.0 * radius && r.h >= 2.0 * radius {
                    let _ = ctx.round_rect_with_f64(r.x, r.y, r.w, r.h, *radius);
                } else {
                    ctx.rect(r.x, r.y, r.w, r.h);
                }
                ctx.set_fill_style_str(fill);
                current_fill = Some(fill);
                ctx.fill();
                if let Some(stroke) = stroke {
                    if dashed {
                        dash(ctx, Dash::Solid, 1.0);
                        dashed = false;
                    }
                    ctx.set_stroke_style_str(stroke);
                    ctx.set_line_width(2.0);
                    ctx.stroke();
                }
            }
            Shape::Frame { r, colour, width, dash: d, radius } => {
                ctx.begin_path();
                if *radius > 0.0 && r.w > 2.0 * radius && r.h > 2.0 * radius {
                    let _ = ctx.round_rect_with_f64(r.x, r.y, r.w, r.h, *radius);
                } else {
                    ctx.rect(r.x, r.y, r.w, r.h);
                }
                dash(ctx, *d, *width);
                dashed = *d != Dash::Solid;
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(*width);
                ctx.stroke();
            }
            Shape::Text { x, y, text, size, colour, align, bold } => {
                if current_font != Some((*size, *bold)) {
                    ctx.set_font(&format!("{}{:.2}px system-ui, sans-serif", if *bold { "600 " } else { "" }, size));
                    current_font = Some((*size, *bold));
                }
                ctx.set_text_align(match align {
                    Align::Left => "left",
                    Align::Centre => "center",
                    Align::Right => "right",
                });
                ctx.set_fill_style_str(colour);
                current_fill = Some(colour);
                let _ = ctx.fill_text(text, *x, *y);
            }
            Shape::Line { from, to, colour, width, dash: d } => {
                ctx.begin_path();
                ctx.move_to(from.0, from.1);
                ctx.line_to(to.0, to.1);
                if *d != Dash::Solid || dashed {
                    dash(ctx, *d, *width);
                    dashed = *d != Dash::Solid;
                }
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(*width);
                ctx.stroke();
            }
            Shape::Marks { colour, rects } => {
                // One path, one fill: thousands of separate fillRects cost the raster more.
                if current_fill != Some(colour.as_str()) {
                    ctx.set_fill_style_str(colour);
                    current_fill = Some(colour);
                }
                ctx.begin_path();
                for r in rects {
                    ctx.rect(r.x, r.y, r.w, r.h);
                }
                ctx.fill();
            }
            Shape::Path { points, colour, width, dash: d } => {
                ctx.begin_path();
                for (k, p) in points.iter().enumerate() {
                    if k == 0 {
                        ctx.move_to(p.0, p.1);
                    } else {
                        ctx.line_to(p.0, p.1);
                    }
                }
                if *d != Dash::Solid || dashed {
                    dash(ctx, *d, *width);
                    dashed = *d != Dash::Solid;
                }
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(*width);
                ctx.stroke();
            }
            Shape::Arrow { from, to, colour, size } => {
                let (dx, dy) = (to.0 - from.0, to.1 - from.1);
                let len = (dx * dx + dy * dy).sqrt().max(1e-6);
                let (ux, uy) = (dx / len, dy / len);
                let (bx, by) = (to.0 - ux * size, to.1 - uy * size);
                ctx.begin_path();
                ctx.move_to(to.0, to.1);
                ctx.line_to(bx - uy * size * 0.5, by + ux * size * 0.5);
                ctx.line_to(bx + uy * size * 0.5, by - ux * size * 0.5);
                ctx.close_path();
                ctx.set_fill_style_str(colour);
                current_fill = Some(colour);
                ctx.fill();
            }
        }
    }
    if dashed {
        dash(ctx, Dash::Solid, 1.0);
    }
}
