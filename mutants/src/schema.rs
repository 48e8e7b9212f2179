//! Mutant schemata: one source file in which every site chooses at run time between its
//! mutants and its original text.
//!
//! An expression site becomes `(match crate::mutant::current() { ID => MUTATED, _ => ORIGINAL })`,
//! a statement site `match crate::mutant::current() { ID => {} _ => { ORIGINAL } }`. The
//! `_` arm is the original text itself (with the sites nested in it rewritten the same way), so
//! with no mutant active the build runs the original code; the only addition is the load of the
//! active id and its comparison. Sites nest (an operand of a comparison is an offset site of its
//! own); a mutated arm holds the original text of the sites inside it, since only one mutant is
//! ever active.

use std::ops::Range;

use crate::ops::{Mutant, SiteKind};

/// A rewritten file, with where each piece of generated code landed in it, so a compiler error
/// can be traced back to the mutant (or the site) that caused it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The rewritten source.
    pub text: String,
    /// Byte range of each mutant's arm in `text`.
    pub arms: Vec<(u32, Range<usize>)>,
    /// Byte range of each site (all its mutants' ids) in `text`.
    pub sites: Vec<(Vec<u32>, Range<usize>)>,
}

impl Rendered {
    /// The mutants to drop for a compiler error whose spans (byte ranges of `text`, the primary
    /// one first) are `spans`: the mutant whose arm holds one of them (a type mismatch between
    /// arms points at the original arm and labels the mutated one), else every mutant of the
    /// innermost site that holds the primary span; empty when it is outside every generated
    /// piece.
    pub fn culprits(&self, spans: &[Range<usize>]) -> Vec<u32> {
        let holds = |r: &Range<usize>, e: &Range<usize>| r.start <= e.start && e.end <= r.end;
        for e in spans {
            if let Some((id, _)) = self
                .arms
                .iter()
                .filter(|(_, r)| holds(r, e))
                .min_by_key(|(_, r)| r.len())
            {
                return vec![*id];
            }
        }
        let Some(primary) = spans.first() else {
            return Vec::new();
        };
        self.sites
            .iter()
            .filter(|(_, r)| holds(r, primary))
            .min_by_key(|(_, r)| r.len())
            .map(|(ids, _)| ids.clone())
            .unwrap_or_default()
    }
}

/// A site with its mutants and the sites nested in it.
struct Node<'m> {
    span: Range<usize>,
    kind: SiteKind,
    mutants: Vec<&'m Mutant>,
    children: Vec<Node<'m>>,
}

/// Groups `mutants` by site and nests the sites; a site that overlaps another without nesting
/// (which a syntax tree cannot produce) is left out.
fn tree<'m>(mutants: &[&'m Mutant]) -> Vec<Node<'m>> {
    let mut sorted: Vec<&Mutant> = mutants.to_vec();
    sorted.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end), a.kind, a.id).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.span.end),
            b.kind,
            b.id,
        ))
    });
    let mut groups: Vec<Node> = Vec::new();
    for m in sorted {
        match groups.last_mut() {
            Some(g) if g.span == m.span && g.kind == m.kind => g.mutants.push(m),
            _ => groups.push(Node {
                span: m.span.clone(),
                kind: m.kind,
                mutants: vec![m],
                children: Vec::new(),
            }),
        }
    }
    // Stack of open sites; each group closes those that end before it starts.
    let mut roots: Vec<Node> = Vec::new();
    let mut stack: Vec<Node> = Vec::new();
    for g in groups {
        while let Some(top) = stack.last() {
            if g.span.start >= top.span.end {
                let done = stack.pop().expect("non-empty");
                attach(&mut stack, &mut roots, done);
            } else {
                break;
            }
        }
        if let Some(top) = stack.last() {
            if g.span.end > top.span.end {
                continue;
            }
        }
        stack.push(g);
    }
    while let Some(done) = stack.pop() {
        attach(&mut stack, &mut roots, done);
    }
    roots
}

fn attach<'m>(stack: &mut [Node<'m>], roots: &mut Vec<Node<'m>>, node: Node<'m>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => roots.push(node),
    }
}

/// `src` with the sites of `mutants` (all from this file) rewritten as schemata.
pub fn render(src: &str, mutants: &[&Mutant]) -> Rendered {
    let mut out = Rendered::default();
    emit(src, 0..src.len(), &tree(mutants), &mut out);
    out
}

fn emit(src: &str, range: Range<usize>, children: &[Node<'_>], out: &mut Rendered) {
    let mut pos = range.start;
    for child in children {
        out.text.push_str(&src[pos..child.span.start]);
        emit_site(src, child, out);
        pos = child.span.end;
    }
    out.text.push_str(&src[pos..range.end]);
}

fn emit_site(src: &str, node: &Node<'_>, out: &mut Rendered) {
    let start = out.text.len();
    let (open, arm_open, arm_close, rest_open, close) = match node.kind {
        SiteKind::Expr => (
            "(match crate::mutant::current() { ",
            "",
            ", ",
            "_ => ",
            " })",
        ),
        SiteKind::Stmt => (
            "match crate::mutant::current() { ",
            "{ ",
            " } ",
            "_ => { ",
            " } }",
        ),
    };
    out.text.push_str(open);
    for m in &node.mutants {
        out.text.push_str(&format!("0x{:08x} => {arm_open}", m.id));
        let arm = out.text.len();
        out.text.push_str(&m.replacement);
        out.arms.push((m.id, arm..out.text.len()));
        out.text.push_str(arm_close);
    }
    out.text.push_str(rest_open);
    emit(src, node.span.clone(), &node.children, out);
    out.text.push_str(close);
    out.sites.push((
        node.mutants.iter().map(|m| m.id).collect(),
        start..out.text.len(),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Select, find};

    const SRC: &str = "fn f(a: &[u8], n: usize) -> Result<u8, E> {
    check(n)?;
    if n < a.len() - 1 {
        return Err(E);
    }
    Ok(a[n + 1])
}
";

    #[test]
    fn every_site_keeps_its_original_text_as_the_default_arm() {
        let mutants = find("f.rs", SRC, Select::All).unwrap();
        let refs: Vec<&Mutant> = mutants.iter().collect();
        let r = render(SRC, &refs);
        syn::parse_file(&r.text).expect("the schemata parse");
        assert!(r.text.contains("match crate::mutant::current() { 0x"));
        // Statement site: dropped when active, the statement itself otherwise.
        let drop = mutants.iter().find(|m| m.kind == SiteKind::Stmt).unwrap();
        assert!(r.text.contains(&format!(
            "0x{:08x} => {{  }} _ => {{ check(n)?; }} }}",
            drop.id
        )));
        // One site for the index `n + 1` (two mutants); the guard's condition holds the site
        // `a.len() - 1` in its original arm, and its own text in the mutated ones.
        let plus = mutants
            .iter()
            .find(|m| m.replacement == "(n + 1) + 1")
            .unwrap();
        let arm = &r.arms.iter().find(|(id, _)| *id == plus.id).unwrap().1;
        assert_eq!(&r.text[arm.clone()], "(n + 1) + 1");
        assert_eq!(r.sites.len(), 4, "{}", r.text);
        assert!(r.text.contains("=> n <= (a.len() - 1), "), "{}", r.text);
        assert!(
            r.text
                .contains("_ => n < (match crate::mutant::current() { "),
            "{}",
            r.text
        );
        // With every mutant's arm removed, the text is the original again, modulo the wrappers.
        let none: Vec<&Mutant> = Vec::new();
        assert_eq!(render(SRC, &none).text, SRC);
    }

    #[test]
    fn an_error_is_traced_to_its_arm_or_else_its_innermost_site() {
        let mutants = find("f.rs", SRC, Select::All).unwrap();
        let refs: Vec<&Mutant> = mutants.iter().collect();
        let r = render(SRC, &refs);
        let (id, arm) = r.arms.iter().find(|(_, a)| !a.is_empty()).unwrap().clone();
        assert_eq!(r.culprits(&[0..1, arm.start..arm.start + 1]), vec![id]);
        let inner = r
            .sites
            .iter()
            .min_by_key(|(_, range)| range.len())
            .unwrap()
            .clone();
        let wrapper_start = inner.1.start..inner.1.start + 1;
        assert_eq!(r.culprits(std::slice::from_ref(&wrapper_start)), inner.0);
        let before_any_site = 0..2;
        assert!(
            r.culprits(&[before_any_site]).is_empty(),
            "`fn` is no mutant's"
        );
    }
}
