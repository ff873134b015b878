//! The display list's vocabulary: shapes, the scene that holds them, type sizes and the rules
//! that shorten labels. Pure: `paint` draws a `Scene`, tests read it.

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
    pub fn top_centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y)
    }
    pub fn inset(&self, d: f64) -> Rect {
        Rect { x: self.x + d, y: self.y + d, w: (self.w - 2.0 * d).max(0.0), h: (self.h - 2.0 * d).max(0.0) }
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn scale_about(&self, ox: f64, oy: f64, k: f64) -> Rect {
        Rect { x: ox + (self.x - ox) * k, y: oy + (self.y - oy) * k, w: self.w * k, h: self.h * k }
    }
    /// Whether the two overlap by more than `slack` pixels both ways.
    pub fn overlaps(&self, o: &Rect, slack: f64) -> bool {
        self.x + slack < o.right() && o.x + slack < self.right() && self.y + slack < o.bottom() && o.y + slack < self.bottom()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Centre,
    /// Ends at `x` (a chart's y-axis labels).
    Right,
}

/// A line's pattern: health and state are told by shape as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
    Long,
    /// Short dashes far apart: a target still in its slow-start window.
    Sparse,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect { r: Rect, fill: String, stroke: Option<String>, radius: f64 },
    /// `y` is the baseline.
    Text { x: f64, y: f64, text: String, size: f64, colour: String, align: Align, bold: bool },
    Line { from: (f64, f64), to: (f64, f64), colour: String, width: f64, dash: Dash },
    /// A dashed or dotted outline (a frame: Region, VPC, subnet; or a task waiting).
    Frame { r: Rect, colour: String, width: f64, dash: Dash, radius: f64 },
    /// Many small squares of one colour (level of detail: a tick per task), painted with one
    /// fill style.
    Marks { colour: String, rects: Vec<Rect> },
    /// A filled triangle pointing at `to` (arrow heads).
    Arrow { from: (f64, f64), to: (f64, f64), colour: String, size: f64 },
    /// An open polyline stroked in one pass, so a dash pattern runs on across its points (a
    /// chart's data line).
    Path { points: Vec<(f64, f64)>, colour: String, width: f64, dash: Dash },
}

impl Shape {
    /// The same shape moved by (dx, dy): an instance card sliding in is drawn at an offset.
    pub fn shift(&mut self, dx: f64, dy: f64) {
        let mv = |p: &mut (f64, f64)| {
            p.0 += dx;
            p.1 += dy;
        };
        match self {
            Shape::Rect { r, .. } | Shape::Frame { r, .. } => {
                r.x += dx;
                r.y += dy;
            }
            Shape::Text { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Shape::Line { from, to, .. } | Shape::Arrow { from, to, .. } => {
                mv(from);
                mv(to);
            }
            Shape::Marks { rects, .. } => rects.iter_mut().for_each(|r| {
                r.x += dx;
                r.y += dy;
            }),
            Shape::Path { points, .. } => points.iter_mut().for_each(mv),
        }
    }

    /// The same shape scaled by `k` about (ox, oy), type and line widths too: a card laid out
    /// at its on-screen size is put back into world units (the zoom scales it up again).
    pub fn scale_about(&mut self, ox: f64, oy: f64, k: f64) {
        let pt = |p: &mut (f64, f64)| *p = (ox + (p.0 - ox) * k, oy + (p.1 - oy) * k);
        match self {
            Shape::Rect { r, radius, .. } => {
                *r = r.scale_about(ox, oy, k);
                *radius *= k;
            }
            Shape::Frame { r, width, radius, .. } => {
                *r = r.scale_about(ox, oy, k);
                *width *= k;
                *radius *= k;
            }
            Shape::Text { x, y, size, .. } => {
                let mut p = (*x, *y);
                pt(&mut p);
                (*x, *y) = p;
                *size *= k;
            }
            Shape::Line { from, to, width, .. } => {
                pt(from);
                pt(to);
                *width *= k;
            }
            Shape::Arrow { from, to, size, .. } => {
                pt(from);
                pt(to);
                *size *= k;
            }
            Shape::Marks { rects, .. } => rects.iter_mut().for_each(|r| *r = r.scale_about(ox, oy, k)),
            Shape::Path { points, width, .. } => {
                points.iter_mut().for_each(pt);
                *width *= k;
            }
        }
    }
}

/// Estimated width of `text` at `size` px: 0.64 em per character covers the UI font's bold
/// capitals (DejaVu Sans, the widest sans a Linux browser falls back to).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * 0.64 * size
}

/// The longest run of whole words that fits, with an ellipsis if words were dropped; empty if
/// not even the first word fits.
pub fn fit_words(text: &str, max_w: f64, size: f64) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::new();
    for (k, w) in words.iter().enumerate() {
        let next = if out.is_empty() { w.to_string() } else { format!("{out} {w}") };
        let last = k + 1 == words.len();
        if text_width(&next, size) + if last { 0.0 } else { text_width(" …", size) } > max_w {
            return if out.is_empty() { out } else { format!("{out} …") };
        }
        out = next;
    }
    out
}

/// The box a text shape covers (baseline `y`, descenders included).
pub fn text_box(x: f64, y: f64, text: &str, size: f64, align: Align) -> Rect {
    let w = text_width(text, size);
    let left = match align {
        Align::Left => x,
        Align::Centre => x - w / 2.0,
        Align::Right => x - w,
    };
    Rect { x: left, y: y - 0.85 * size, w, h: 1.05 * size }
}

/// Font sizes in CSS pixels. Projection mode: nothing below 16 px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Type {
    pub small: f64,
    pub body: f64,
    pub title: f64,
}

impl Type {
    /// On a screen, type grows a little with the canvas (a 1920 px projector without projection
    /// mode still reads); projection mode starts at 16 px.
    pub fn new(projection: bool, canvas_w: f64) -> Type {
        if projection {
            Type { small: 16.0, body: 17.0, title: 19.0 }
        } else {
            let k = (canvas_w / 1150.0).clamp(1.0, 1.25);
            Type { small: (12.0 * k).round(), body: (13.0 * k).round(), title: (15.0 * k).round() }
        }
    }
    pub fn scaled(self, k: f64) -> Type {
        Type { small: (self.small * k).round(), body: (self.body * k).round(), title: (self.title * k).round() }
    }
}

/// `i-0c6f9e0d2f1a8a5c9` → `i-0c6f…a5c9`: an AWS id keeps its prefix, first and last four.
pub fn short_id(id: &str) -> String {
    let (prefix, rest) = match id.find('-') {
        Some(k) if k <= 4 => (&id[..=k], &id[k + 1..]),
        _ => ("", id),
    };
    if rest.chars().count() <= 10 {
        return id.to_string();
    }
    let head: String = rest.chars().take(4).collect();
    let tail: String = rest.chars().skip(rest.chars().count() - 4).collect();
    format!("{prefix}{head}…{tail}")
}

/// The longest prefix of `parts`, joined by " · ", that fits `max_w` at `size`; never cuts a
/// part. Empty if not even the first part fits (the label is then left out, not clipped).
pub fn fit_parts(parts: &[&str], max_w: f64, size: f64) -> String {
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        let candidate = if out.is_empty() { p.to_string() } else { format!("{out} · {p}") };
        if text_width(&candidate, size) > max_w {
            break;
        }
        out = candidate;
    }
    out
}

/// The first of `candidates` (longest first) that fits, or empty.
pub fn first_fit(candidates: &[String], max_w: f64, size: f64) -> String {
    candidates.iter().find(|c| text_width(c, size) <= max_w).cloned().unwrap_or_default()
}

/// What the browser test hook reports about one drawn object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// `instance`, `task`, `chip`, `lb`, `zone`, `subnet`, `edge`, `caption`, `legend`, `waiting`,
    /// `target-line`, `ghost`...
    pub kind: &'static str,
    /// The sim's name for it (EC2 instance id, task id, load balancer name, ...).
    pub id: String,
    pub r: Rect,
    /// A short fact: a target's health, a caption's text, a node's state.
    pub note: String,
}

#[derive(Debug, Default)]
pub struct Scene {
    /// World shapes: zoom and pan apply.
    pub shapes: Vec<Shape>,
    /// World shapes drawn over everything else: captions (opaque callouts that may cover
    /// what they point at, so they are left out of the overlap checks).
    pub callouts: Vec<Shape>,
    /// Screen shapes, zoom does not apply: the legend.
    pub overlay: Vec<Shape>,
    /// Task index → its block, for hit-testing, animation and tests.
    pub task_blocks: Vec<(usize, Rect)>,
    pub instance_cards: Vec<(usize, Rect)>,
    /// Task index → its port or IP chip (where target lines end).
    pub chips: Vec<(usize, Rect)>,
    /// What the test hook lists (not filled beyond `OBJECT_LIMIT`).
    pub objects: Vec<Object>,
    /// The world's extent (everything drawn lies inside).
    pub world: Rect,
}

/// The hook stops listing objects here: at thousands of instances it would cost frames.
pub const OBJECT_LIMIT: usize = 3000;

impl Scene {
    pub fn rect(&mut self, r: Rect, fill: &str, stroke: Option<&str>, radius: f64) {
        self.shapes.push(Shape::Rect { r, fill: fill.to_string(), stroke: stroke.map(str::to_string), radius });
    }
    pub fn frame(&mut self, r: Rect, colour: &str, width: f64, dash: Dash, radius: f64) {
        self.shapes.push(Shape::Frame { r, colour: colour.to_string(), width, dash, radius });
    }
    #[allow(clippy::too_many_arguments)]
    pub fn text(&mut self, x: f64, y: f64, text: impl Into<String>, size: f64, colour: &str, align: Align, bold: bool) {
        let text = text.into();
        if !text.is_empty() {
            self.shapes.push(Shape::Text { x, y, text, size, colour: colour.to_string(), align, bold });
        }
    }
    pub fn object(&mut self, kind: &'static str, id: impl Into<String>, r: Rect, note: impl Into<String>) {
        if self.objects.len() < OBJECT_LIMIT {
            self.objects.push(Object { kind, id: id.into(), r, note: note.into() });
        }
    }

    /// How many of each list it holds now: what `scale_since` scales after.
    pub fn mark(&self) -> [usize; 5] {
        [self.shapes.len(), self.task_blocks.len(), self.instance_cards.len(), self.chips.len(), self.objects.len()]
    }

    /// Scales everything added since `mark` by `k` about (ox, oy) (see `Shape::scale_about`).
    pub fn scale_since(&mut self, mark: [usize; 5], ox: f64, oy: f64, k: f64) {
        // A stroked rect's outline is 2 px at any scale when painted: it becomes a fill and a
        // frame whose width scales with the rest.
        let tail: Vec<Shape> = self.shapes.drain(mark[0]..).collect();
        for shape in tail {
            match shape {
                Shape::Rect { r, fill, stroke: Some(stroke), radius } => {
                    self.shapes.push(Shape::Rect { r, fill, stroke: None, radius });
                    self.shapes.push(Shape::Frame { r, colour: stroke, width: 2.0, dash: Dash::Solid, radius });
                }
                other => self.shapes.push(other),
            }
        }
        self.shapes[mark[0]..].iter_mut().for_each(|s| s.scale_about(ox, oy, k));
        for (_, r) in self.task_blocks[mark[1]..].iter_mut().chain(&mut self.instance_cards[mark[2]..]).chain(&mut self.chips[mark[3]..]) {
            *r = r.scale_about(ox, oy, k);
        }
        self.objects[mark[4]..].iter_mut().for_each(|o| o.r = o.r.scale_about(ox, oy, k));
    }

    /// Whether `other` draws exactly the same pixels (same shapes in the same order): a frame
    /// whose picture hasn't changed needs no repaint (the raster is most of a big frame's cost).
    pub fn same_picture(&self, other: &Scene) -> bool {
        self.shapes == other.shapes && self.callouts == other.callouts && self.overlay == other.overlay
    }

    /// What is under a world point: a task block first, then an instance card.
    pub fn hit(&self, x: f64, y: f64) -> Option<Hit> {
        if let Some((t, _)) = self.task_blocks.iter().rev().find(|(_, r)| r.contains(x, y) && r.w > 6.0) {
            return Some(Hit::Task(*t));
        }
        self.instance_cards.iter().find(|(_, r)| r.contains(x, y)).map(|(i, _)| Hit::Instance(*i))
    }

    /// Every text shape's box, world and overlay alike (tests check they never overlap).
    pub fn text_boxes(&self) -> Vec<(Rect, &str, f64)> {
        self.shapes
            .iter()
            .chain(&self.overlay)
            .filter_map(|s| match s {
                Shape::Text { x, y, text, size, align, .. } => Some((text_box(*x, *y, text, *size, *align), text.as_str(), *size)),
                _ => None,
            })
            .collect()
    }

    /// The test hook's JSON: the drawn objects and the text, capped.
    pub fn hook_json(&self) -> String {
        let objects: Vec<serde_json::Value> = self
            .objects
            .iter()
            .map(|o| serde_json::json!({ "kind": o.kind, "id": o.id, "x": o.r.x.round(), "y": o.r.y.round(), "w": o.r.w.round(), "h": o.r.h.round(), "note": o.note }))
            .collect();
        let texts: Vec<serde_json::Value> = self
            .text_boxes()
            .iter()
            .take(OBJECT_LIMIT)
            .map(|(r, t, size)| serde_json::json!({ "text": t, "size": size, "x": r.x.round(), "y": r.y.round(), "w": r.w.round(), "h": r.h.round() }))
            .collect();
        serde_json::json!({ "objects": objects, "texts": texts, "world": [self.world.x, self.world.y, self.world.w, self.world.h] }).to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Task(usize),
    Instance(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_prefix_head_and_tail() {
        assert_eq!(short_id("i-0c6f9e0d2f1a8a5c9"), "i-0c6f…a5c9");
        assert_eq!(short_id("0123456789abcdef0123"), "0123…0123");
        assert_eq!(short_id("i-0abc"), "i-0abc");
        assert_eq!(short_id("web"), "web");
    }

    #[test]
    fn labels_drop_whole_parts_never_cut_a_word() {
        let parts = ["us-east-1a", "2 instances", "3 tasks"];
        assert_eq!(fit_parts(&parts, 1000.0, 10.0), "us-east-1a · 2 instances · 3 tasks");
        let cut = fit_parts(&parts, 160.0, 10.0);
        assert_eq!(cut, "us-east-1a · 2 instances");
        assert_eq!(fit_parts(&parts, 20.0, 10.0), "");
        assert_eq!(first_fit(&["PENDING 10s".into(), "10s".into()], 30.0, 10.0), "10s");
    }
}
