//! Mutant schemata: one source file in which every site chooses at run time between its
//! mutants and its original text.
//!
//! An expression site becomes
//! `(match crate::mutant::current() { __mutant if !matches!(__mutant, ID | ..) => ORIGINAL,
//! ID => MUTATED, .., _ => unreachable!() })` (the original arm first, so that it fixes the type
//! and a mistyped mutant is the arm the compiler blames), a statement site the same with blocks
//! for arms (`ID => { }` drops it), and the body
//! of each function with mutants `{ if matches!(current(), ID | ..) { SITES } else { BODY } }`,
//! where `BODY` is the function's original text: a function runs its schematised copy only while
//! one of its own mutants is active, so the sites cost nothing inside the loops of the others. The
//! `_` arm is the original text itself (with the sites nested in it rewritten the same way), so
//! with no mutant active the build runs the original code; the only addition is the load of the
//! active id and its comparison. Sites nest (an operand of a comparison is an offset site of its
//! own); a mutated arm holds the original text of the sites inside it, since only one mutant is
//! ever active.

use std::collections::BTreeMap;
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
    /// `None` for a function body, which holds the sites of its mutants.
    kind: Option<SiteKind>,
    mutants: Vec<&'m Mutant>,
    children: Vec<Node<'m>>,
}

/// Groups `mutants` by site and by function body and nests them; a site that overlaps another
/// without nesting (which a syntax tree cannot produce) is left out.
fn tree<'m>(mutants: &[&'m Mutant]) -> Vec<Node<'m>> {
    let mut groups: Vec<Node> = Vec::new();
    let mut bodies: BTreeMap<(usize, usize), Vec<&Mutant>> = BTreeMap::new();
    for &m in mutants {
        if !m.body.is_empty() {
            bodies
                .entry((m.body.start, m.body.end))
                .or_default()
                .push(m);
        }
        match groups
            .iter_mut()
            .find(|g| g.span == m.span && g.kind == Some(m.kind))
        {
            Some(g) => g.mutants.push(m),
            None => groups.push(Node {
                span: m.span.clone(),
                kind: Some(m.kind),
                mutants: vec![m],
                children: Vec::new(),
            }),
        }
    }
    groups.extend(bodies.into_iter().map(|((start, end), mutants)| Node {
        span: start..end,
        kind: None,
        mutants,
        children: Vec::new(),
    }));
    groups.sort_by_key(|g| (g.span.start, std::cmp::Reverse(g.span.end), g.kind));
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

/// `src[range]` with the sites and bodies of `children` rewritten.
fn emit(src: &str, range: Range<usize>, children: &[Node<'_>], out: &mut Rendered) {
    let mut pos = range.start;
    for child in children {
        out.text.push_str(&src[pos..child.span.start]);
        match child.kind {
            Some(kind) => emit_site(src, kind, child, out),
            None => emit_body(src, child, out),
        }
        pos = child.span.end;
    }
    out.text.push_str(&src[pos..range.end]);
}

/// `src[range]` as written, except the function bodies nested in it.
fn emit_plain(src: &str, range: Range<usize>, children: &[Node<'_>], out: &mut Rendered) {
    let mut pos = range.start;
    for child in children {
        out.text.push_str(&src[pos..child.span.start]);
        match child.kind {
            Some(_) => emit_plain(src, child.span.clone(), &child.children, out),
            None => emit_body(src, child, out),
        }
        pos = child.span.end;
    }
    out.text.push_str(&src[pos..range.end]);
}

/// A function body `{ .. }` as `{ if matches!(current(), ID | ..) { SCHEMATA } else { .. } }`:
/// unless one of its own mutants is active, a function runs its original body, with no check
/// inside its loops.
fn emit_body(src: &str, node: &Node<'_>, out: &mut Rendered) {
    let mut ids: Vec<u32> = node.mutants.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    let ids: Vec<String> = ids.iter().map(|id| format!("0x{id:08x}")).collect();
    out.text.push_str(&format!(
        "{{ if matches!(crate::mutant::current(), {}) ",
        ids.join(" | ")
    ));
    emit(src, node.span.clone(), &node.children, out);
    out.text.push_str(" else ");
    emit_plain(src, node.span.clone(), &node.children, out);
    out.text.push_str(" }");
}

fn emit_site(src: &str, kind: SiteKind, node: &Node<'_>, out: &mut Rendered) {
    let start = out.text.len();
    let ids: Vec<String> = node
        .mutants
        .iter()
        .map(|m| format!("0x{:08x}", m.id))
        .collect();
    // The original comes first, so it fixes the site's type: a mutant of another type is the
    // arm the compiler blames.
    out.text.push_str(&format!(
        "{}match crate::mutant::current() {{ __mutant if !matches!(__mutant, {}) => {}",
        if kind == SiteKind::Expr { "(" } else { "" },
        ids.join(" | "),
        if kind == SiteKind::Expr { "" } else { "{ " },
    ));
    emit(src, node.span.clone(), &node.children, out);
    out.text
        .push_str(if kind == SiteKind::Expr { ", " } else { " } " });
    for m in &node.mutants {
        out.text.push_str(&format!("0x{:08x} => ", m.id));
        if kind == SiteKind::Stmt {
            out.text.push_str("{ ");
        }
        let arm = out.text.len();
        out.text.push_str(&m.replacement);
        out.arms.push((m.id, arm..out.text.len()));
        out.text
            .push_str(if kind == SiteKind::Expr { ", " } else { " } " });
    }
    out.text.push_str("_ => unreachable!() }");
    if kind == SiteKind::Expr {
        out.text.push(')');
    }
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
    fn every_site_keeps_its_original_text_as_its_first_arm() {
        let mutants = find("f.rs", SRC, Select::All).unwrap();
        let refs: Vec<&Mutant> = mutants.iter().collect();
        let r = render(SRC, &refs);
        syn::parse_file(&r.text).expect("the schemata parse");
        // Statement site: dropped when active, the statement itself otherwise.
        let drop = mutants.iter().find(|m| m.kind == SiteKind::Stmt).unwrap();
        let stmt = format!(
            "match crate::mutant::current() {{ __mutant if !matches!(__mutant, 0x{0:08x}) => \
             {{ check(n)?; }} 0x{0:08x} => {{  }} _ => unreachable!() }}",
            drop.id
        );
        assert!(r.text.contains(&stmt), "{}", r.text);
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
                .contains(") => n < (match crate::mutant::current() { "),
            "{}",
            r.text
        );
        // With no mutant, the text is the original.
        let none: Vec<&Mutant> = Vec::new();
        assert_eq!(render(SRC, &none).text, SRC);
    }

    #[test]
    fn a_function_runs_its_original_body_unless_one_of_its_mutants_is_active() {
        let mutants = find("f.rs", SRC, Select::All).unwrap();
        let refs: Vec<&Mutant> = mutants.iter().collect();
        let r = render(SRC, &refs);
        let body = &SRC[SRC.find('{').unwrap()..SRC.rfind('}').unwrap() + 1];
        let mut ids: Vec<u32> = mutants.iter().map(|m| m.id).collect();
        ids.sort();
        let ids: Vec<String> = ids.iter().map(|id| format!("0x{id:08x}")).collect();
        let guard = format!(
            "{{ if matches!(crate::mutant::current(), {}) {{",
            ids.join(" | ")
        );
        assert!(r.text.contains(&guard), "{}", r.text);
        assert!(
            r.text.ends_with(&format!(" else {body} }}\n")),
            "{}",
            r.text
        );
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
