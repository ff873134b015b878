//! The minimap: past a few hundred instances, while zoomed in, the whole picture small in a
//! corner (zones and instances) with the part on screen drawn as a rectangle; a click or drag
//! on it moves the view there. Pure: the app asks where it is and what it holds, paint draws
//! its shapes over the screen like the legend.

use crate::palette::Colours;
use crate::scene::{Dash, Rect, Scene, Shape};
use crate::zoom::Zoom;

/// Fewer instances than this fit the canvas readably: no minimap.
pub const MIN_INSTANCES: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Minimap {
    /// Where it sits on screen (CSS pixels).
    pub frame: Rect,
    /// Map pixels per world pixel.
    pub k: f64,
}

/// The minimap for this frame, or None: too few instances, or the whole picture is on screen.
/// Bottom right, above the legend strip, a fifth of the canvas wide.
pub fn place(instances: usize, zoom: &Zoom, canvas: (f64, f64), legend_h: f64) -> Option<Minimap> {
    if instances < MIN_INSTANCES || zoom.scale <= 1.0 + 1e-9 {
        return None;
    }
    let w = (canvas.0 * 0.2).clamp(140.0, 320.0).min(canvas.0 / 2.0);
    let k = w / canvas.0;
    let h = canvas.1 * k;
    let frame = Rect { x: canvas.0 - w - 12.0, y: (canvas.1 - legend_h - h - 12.0).max(0.0), w, h };
    Some(Minimap { frame, k })
}

impl Minimap {
    /// The part of the world on screen, on the map.
    pub fn viewport(&self, zoom: &Zoom, canvas: (f64, f64)) -> Rect {
        self.map(Rect { x: zoom.x, y: zoom.y, w: canvas.0 / zoom.scale, h: canvas.1 / zoom.scale })
    }

    fn map(&self, r: Rect) -> Rect {
        Rect { x: self.frame.x + r.x * self.k, y: self.frame.y + r.y * self.k, w: r.w * self.k, h: r.h * self.k }
    }

    /// The world point under a screen point on the map (None off the map).
    pub fn to_world(self, sx: f64, sy: f64) -> Option<(f64, f64)> {
        self.frame.contains(sx, sy).then(|| ((sx - self.frame.x) / self.k, (sy - self.frame.y) / self.k))
    }

    /// What it draws: an opaque panel, the zones, every instance as one batch of marks, and
    /// the viewport's rectangle (thick and amber, so it reads from the back).
    pub fn shapes(&self, scene: &Scene, zoom: &Zoom, canvas: (f64, f64), c: &Colours) -> Vec<Shape> {
        let mut out = vec![
            Shape::Rect { r: self.frame, fill: c.background.to_string(), stroke: None, radius: 0.0 },
            Shape::Frame { r: self.frame, colour: c.region.to_string(), width: 2.0, dash: Dash::Solid, radius: 0.0 },
        ];
        for o in scene.objects.iter().filter(|o| o.kind == "zone") {
            out.push(Shape::Rect { r: self.map(o.r), fill: c.lane.to_string(), stroke: None, radius: 0.0 });
        }
        let cards: Vec<Rect> = scene.instance_cards.iter().map(|(_, r)| self.map(*r)).map(|r| Rect { w: r.w.max(1.0), h: r.h.max(1.0), ..r }).collect();
        if !cards.is_empty() {
            out.push(Shape::Marks { colour: c.region.to_string(), rects: cards });
        }
        let v = self.viewport(zoom, canvas);
        // Amber on grey: the rectangle reads at a glance, on a screen and on a washed-out projector.
        out.push(Shape::Frame { r: v, colour: c.initial.to_string(), width: 3.0, dash: Dash::Solid, radius: 0.0 });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANVAS: (f64, f64) = (1280.0, 720.0);

    #[test]
    fn only_for_big_clusters_and_only_when_zoomed_in() {
        let zoomed = Zoom::default().zoom_at(3.0, 640.0, 360.0, CANVAS);
        assert!(place(MIN_INSTANCES - 1, &zoomed, CANVAS, 30.0).is_none());
        assert!(place(1000, &Zoom::default(), CANVAS, 30.0).is_none());
        let m = place(1000, &zoomed, CANVAS, 30.0).expect("shown");
        // In the bottom-right corner, above the legend, the canvas's shape.
        assert!(m.frame.right() <= CANVAS.0 && m.frame.bottom() <= CANVAS.1 - 30.0 && m.frame.x > CANVAS.0 / 2.0);
        assert!((m.frame.w / m.frame.h - CANVAS.0 / CANVAS.1).abs() < 1e-9);
    }

    #[test]
    fn the_viewport_rectangle_is_the_part_on_screen_and_clicks_land_there() {
        let z = Zoom::default().zoom_at(4.0, 0.0, 0.0, CANVAS);
        let m = place(500, &z, CANVAS, 30.0).unwrap();
        let v = m.viewport(&z, CANVAS);
        // A quarter of the map each way, at its top-left corner.
        assert!((v.w - m.frame.w / 4.0).abs() < 1e-9 && (v.h - m.frame.h / 4.0).abs() < 1e-9);
        assert!((v.x - m.frame.x).abs() < 1e-9 && (v.y - m.frame.y).abs() < 1e-9);
        // The map's centre is the world's centre; off the map is nothing.
        let (wx, wy) = m.to_world(m.frame.x + m.frame.w / 2.0, m.frame.y + m.frame.h / 2.0).unwrap();
        assert!((wx - 640.0).abs() < 1e-6 && (wy - 360.0).abs() < 1e-6);
        assert!(m.to_world(10.0, 10.0).is_none());
        // Centring the view there puts the viewport rectangle around that point.
        let moved = z.centre_on(wx, wy, CANVAS);
        let v = m.viewport(&moved, CANVAS);
        assert!((v.x + v.w / 2.0 - (m.frame.x + m.frame.w / 2.0)).abs() < 1e-6);
        assert_eq!(moved.scale, z.scale);
    }
}
