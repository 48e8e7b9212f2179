//! The mutation operators and the syntax walk that finds their sites in one source file.
//!
//! A site is an expression (replaced by another expression of the same type) or an expression
//! statement (dropped). The walk never enters macros (so `debug_assert!` and `format!` stay
//! untouched), patterns, types or array lengths (const contexts, where the run-time switch could
//! not be called), and skips items, statements and expressions under `#[cfg(test)]` or
//! `#[cfg(feature = "bug-...")]`.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use proc_macro2::LineColumn;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, BinOp, Block, Expr, ImplItemFn, ItemFn, Pat, Stmt};

/// A mutation operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `<` ↔ `<=`, `>` ↔ `>=`.
    CmpBoundary,
    /// `==` ↔ `!=`.
    CmpNegate,
    /// `&&` ↔ `||`.
    AndOr,
    /// `a - b` → `b - a` (also `/`, `%`, `<<`, `>>`).
    SwapOperands,
    /// `e + 1` → `e`, `e - 1` → `e`.
    RemoveOne,
    /// An offset, index or loop bound `x` → `x + 1`.
    AddOne,
    /// An offset, index or loop bound `x` → `x - 1`.
    SubOne,
    /// The length given to `with_capacity`, `set_len`, `write_bytes`, `copy_nonoverlapping` ±1.
    WrongLen,
    /// `if cond { .. return .. }` never taken: `cond` → `false`.
    DropGuard,
    /// A checking call `check(..)?;` dropped.
    DropCheck,
    /// A pointer replaced by another pointer of the same kind in scope.
    WrongBuffer,
}

impl Operator {
    /// Every operator, in the order of the catalogue's summary.
    pub const ALL: [Operator; 11] = [
        Operator::CmpBoundary,
        Operator::CmpNegate,
        Operator::AndOr,
        Operator::SwapOperands,
        Operator::RemoveOne,
        Operator::AddOne,
        Operator::SubOne,
        Operator::WrongLen,
        Operator::DropGuard,
        Operator::DropCheck,
        Operator::WrongBuffer,
    ];

    /// The operator's name in the catalogue.
    pub fn name(self) -> &'static str {
        match self {
            Operator::CmpBoundary => "cmp-boundary",
            Operator::CmpNegate => "cmp-negate",
            Operator::AndOr => "and-or",
            Operator::SwapOperands => "swap-operands",
            Operator::RemoveOne => "remove-one",
            Operator::AddOne => "add-one",
            Operator::SubOne => "sub-one",
            Operator::WrongLen => "wrong-len",
            Operator::DropGuard => "drop-guard",
            Operator::DropCheck => "drop-check",
            Operator::WrongBuffer => "wrong-buffer",
        }
    }
}

/// How a site is switched: an expression keeps its type, a statement is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SiteKind {
    /// `(match current() { ID => MUTATED, _ => ORIGINAL })`.
    Expr,
    /// `match current() { ID => { MUTATED } _ => { ORIGINAL } }`.
    Stmt,
}

/// One mutant: a site, an operator and the text that replaces the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// Stable id (see [`crate::stable_id`]), never 0.
    pub id: u32,
    /// Path of the file from the repository root, with `/`.
    pub file: String,
    /// Enclosing function, `Type::name` for methods.
    pub function: String,
    /// 1-based line of the site's start.
    pub line: usize,
    /// 1-based column (in characters) of the site's start.
    pub column: usize,
    /// The operator.
    pub operator: Operator,
    /// The site's source text.
    pub original: String,
    /// The code that replaces it (empty for a dropped statement).
    pub replacement: String,
    /// Byte range of the site in its file.
    pub span: Range<usize>,
    /// Expression or statement site.
    pub kind: SiteKind,
    /// Byte range of the enclosing function's body (its block, braces included), which the
    /// schemata guard; empty for a function returning `impl Trait`, which gets no guard.
    pub body: Range<usize>,
}

/// Which functions of a file are mutated.
#[derive(Debug, Clone, Copy)]
pub enum Select<'a> {
    /// Every function outside test and seeded-bug code.
    All,
    /// These functions (`Type::name` or `name`) and the functions of the same file they call,
    /// transitively.
    Roots(&'a [&'a str]),
}

/// Finds every mutant of `src` (the file `file`) in the functions `select` names; ids are set.
pub fn find(file: &str, src: &str, select: Select<'_>) -> Result<Vec<Mutant>, syn::Error> {
    let ast = syn::parse_file(src)?;
    let chosen = match select {
        Select::All => None,
        Select::Roots(roots) => Some(reachable(&ast, roots)),
    };
    let mut finder = Finder {
        src,
        line_starts: line_starts(src),
        file,
        chosen,
        impl_ty: None,
        function: None,
        pointers: Vec::new(),
        body: 0..0,
        found: Vec::new(),
    };
    finder.visit_file(&ast);
    let mut found = finder.found;
    found.sort_by_key(|m| (m.span.start, m.span.end));
    let mut seen = BTreeSet::new();
    found.retain(|m| seen.insert((m.span.start, m.span.end, m.kind, m.replacement.clone())));
    let mut occurrences: HashMap<(String, Operator, String, String), usize> = HashMap::new();
    for m in &mut found {
        let key = (
            m.function.clone(),
            m.operator,
            squash(&m.original),
            squash(&m.replacement),
        );
        let n = occurrences.entry(key.clone()).or_default();
        m.id = crate::stable_id(file, &key.0, key.1, &key.2, &key.3, *n);
        *n += 1;
    }
    Ok(found)
}

/// `text` with every run of whitespace made one space: ids and listings do not change when
/// a site is reformatted.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn line_starts(src: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Whether attributes put an item, statement or expression out of reach: test code, seeded-bug
/// code (but not the `not(...)` side, which is the code a default build runs).
fn skipped(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        if !a.path().is_ident("cfg") {
            return false;
        }
        let tokens = squash(
            &a.meta
                .require_list()
                .map_or(String::new(), |l| l.tokens.to_string()),
        );
        let negated = tokens.starts_with("not");
        tokens == "test"
            || tokens.starts_with("all (test")
            || (!negated && tokens.contains("feature = \"bug-"))
    })
}

fn expr_attrs(e: &Expr) -> &[Attribute] {
    match e {
        Expr::If(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Binary(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Return(x) => &x.attrs,
        _ => &[],
    }
}

/// The functions of `ast` reachable from `roots` through calls by name inside the file.
fn reachable(ast: &syn::File, roots: &[&str]) -> BTreeSet<String> {
    #[derive(Default)]
    struct Calls(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Calls {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let Expr::Path(p) = &*c.func {
                if let Some(last) = p.path.segments.last() {
                    self.0.insert(last.ident.to_string());
                }
            }
            visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            // `self.helper(..)` only: `rows.iter()` is no call of a `Csr::iter` in the file.
            if matches!(&*c.receiver, Expr::Path(p) if p.path.is_ident("self")) {
                self.0.insert(c.method.to_string());
            }
            visit::visit_expr_method_call(self, c);
        }
    }
    // (qualified name, simple name, names it calls)
    let mut fns: Vec<(String, String, BTreeSet<String>)> = Vec::new();
    for item in &ast.items {
        match item {
            syn::Item::Fn(f) if !skipped(&f.attrs) => {
                let mut calls = Calls::default();
                calls.visit_block(&f.block);
                let name = f.sig.ident.to_string();
                fns.push((name.clone(), name, calls.0));
            }
            syn::Item::Impl(i) if !skipped(&i.attrs) => {
                let ty = type_name(&i.self_ty);
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        let mut calls = Calls::default();
                        calls.visit_block(&f.block);
                        let name = f.sig.ident.to_string();
                        fns.push((format!("{ty}::{name}"), name, calls.0));
                    }
                }
            }
            _ => {}
        }
    }
    let mut chosen: BTreeSet<String> = roots.iter().map(|r| r.to_string()).collect();
    loop {
        let called: BTreeSet<String> = fns
            .iter()
            .filter(|f| chosen.contains(&f.0))
            .flat_map(|f| f.2.iter().cloned())
            .collect();
        let before = chosen.len();
        for f in &fns {
            if called.contains(&f.1) {
                chosen.insert(f.0.clone());
            }
        }
        if chosen.len() == before {
            return chosen;
        }
    }
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(String::new, |s| s.ident.to_string()),
        _ => String::from("_"),
    }
}

/// A raw-pointer local of the current function: `let p = buf.as_ptr()` or `.as_mut_ptr()`.
struct Pointer {
    name: String,
    mutable: bool,
    declared_at: usize,
}

struct Finder<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
    file: &'a str,
    chosen: Option<BTreeSet<String>>,
    impl_ty: Option<String>,
    function: Option<String>,
    pointers: Vec<Pointer>,
    body: Range<usize>,
    found: Vec<Mutant>,
}

fn is_lit(e: &Expr, digits: &str) -> bool {
    matches!(e, Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) if i.base10_digits() == digits)
}

fn is_any_lit(e: &Expr) -> bool {
    matches!(e, Expr::Lit(_))
}

/// Whether `e` is `x + 1` (`plus`) or `x - 1`.
fn is_plus_minus_one(e: &Expr, plus: bool) -> bool {
    match e {
        Expr::Binary(b) => {
            matches!(
                (&b.op, plus),
                (BinOp::Add(_), true) | (BinOp::Sub(_), false)
            ) && is_lit(&b.right, "1")
        }
        _ => false,
    }
}

/// Whether a `let` is hidden in `e` (let chains): such conditions are not rewritten.
fn has_let(e: &Expr) -> bool {
    match e {
        Expr::Let(_) => true,
        Expr::Binary(b) => has_let(&b.left) || has_let(&b.right),
        Expr::Paren(p) => has_let(&p.expr),
        _ => false,
    }
}

fn block_returns(b: &Block) -> bool {
    b.stmts.iter().any(|s| match s {
        Stmt::Expr(Expr::Return(_), _) => true,
        Stmt::Expr(Expr::Call(c), None) => {
            matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Err"))
        }
        _ => false,
    })
}

fn call_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn single_ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        _ => None,
    }
}

impl Finder<'_> {
    fn offset(&self, lc: LineColumn) -> usize {
        let start = self.line_starts[lc.line - 1];
        let line = &self.src[start..];
        start
            + line
                .char_indices()
                .nth(lc.column)
                .map_or(line.len(), |(i, _)| i)
    }

    fn range(&self, node: &impl Spanned) -> Range<usize> {
        let span = node.span();
        self.offset(span.start())..self.offset(span.end())
    }

    fn text(&self, node: &impl Spanned) -> &str {
        &self.src[self.range(node)]
    }

    /// `e`'s text, in parentheses unless it is a single operand.
    fn operand(&self, e: &Expr) -> String {
        let text = self.text(e);
        match e {
            Expr::Path(_)
            | Expr::Lit(_)
            | Expr::Call(_)
            | Expr::MethodCall(_)
            | Expr::Field(_)
            | Expr::Index(_)
            | Expr::Paren(_)
            | Expr::Macro(_) => text.to_owned(),
            _ => format!("({text})"),
        }
    }

    fn push(&mut self, span: Range<usize>, kind: SiteKind, op: Operator, replacement: String) {
        let Some(function) = self.function.clone() else {
            return;
        };
        let line = self.line_starts.partition_point(|&s| s <= span.start);
        let column = self.src[self.line_starts[line - 1]..span.start]
            .chars()
            .count()
            + 1;
        self.found.push(Mutant {
            id: 0,
            file: self.file.to_owned(),
            function,
            line,
            column,
            operator: op,
            original: self.src[span.clone()].to_owned(),
            replacement,
            span,
            kind,
            body: self.body.clone(),
        });
    }

    fn push_expr(&mut self, e: &impl Spanned, op: Operator, replacement: String) {
        let span = self.range(e);
        self.push(span, SiteKind::Expr, op, replacement);
    }

    /// `x` of an offset, index, length or bound: `x + 1` and `x - 1`, except where one of them
    /// only undoes a `± 1` already there (that is [`Operator::RemoveOne`]) or cannot type-check
    /// (`0 - 1`).
    fn off_by_one(&mut self, x: &Expr, plus: Operator, minus: Operator) {
        let operand = self.operand(x);
        if !is_plus_minus_one(x, false) {
            self.push_expr(x, plus, format!("{operand} + 1"));
        }
        if !is_plus_minus_one(x, true) && !is_lit(x, "0") {
            self.push_expr(x, minus, format!("{operand} - 1"));
        }
    }

    fn wrong_len(&mut self, x: &Expr) {
        self.off_by_one(x, Operator::WrongLen, Operator::WrongLen);
    }

    /// `p` → every other pointer of the same mutability declared before it.
    fn wrong_buffer(&mut self, p: &Expr) {
        let Some(name) = single_ident(p) else {
            return;
        };
        let Some(me) = self.pointers.iter().find(|q| q.name == name) else {
            return;
        };
        let at = self.range(p).start;
        let others: Vec<String> = self
            .pointers
            .iter()
            .filter(|q| q.mutable == me.mutable && q.name != name && q.declared_at < at)
            .map(|q| q.name.clone())
            .collect();
        for other in others {
            self.push_expr(p, Operator::WrongBuffer, other);
        }
    }

    fn in_function(
        &mut self,
        name: String,
        attrs: &[Attribute],
        sig: &syn::Signature,
        body: &Block,
    ) {
        if skipped(attrs) || sig.constness.is_some() {
            return;
        }
        let wanted = self.chosen.as_ref().is_none_or(|c| c.contains(&name));
        if !wanted {
            return;
        }
        let pointers = {
            let mut p = Pointers(Vec::new(), self);
            p.visit_block(body);
            p.0
        };
        // A function returning `impl Trait` gets no body guard: its two copies would be two
        // types (see [`Mutant::body`]).
        let opaque = matches!(&sig.output, syn::ReturnType::Type(_, t) if matches!(**t, syn::Type::ImplTrait(_)));
        let range = if opaque { 0..0 } else { self.range(body) };
        let saved = (
            self.function.replace(name),
            std::mem::replace(&mut self.pointers, pointers),
            std::mem::replace(&mut self.body, range),
        );
        self.visit_block(body);
        (self.function, self.pointers, self.body) = saved;
    }
}

/// Collects a function's raw-pointer locals.
struct Pointers<'f, 'a>(Vec<Pointer>, &'f Finder<'a>);

impl Pointers<'_, '_> {
    /// Records `name` if `init` is `x.as_ptr()` or `x.as_mut_ptr()`.
    fn record(&mut self, pat: &Pat, init: &Expr, declared_at: usize) {
        let name = match pat {
            Pat::Ident(i) => i.ident.to_string(),
            Pat::Type(t) => return self.record(&t.pat, init, declared_at),
            Pat::Tuple(t) => {
                if let Expr::Tuple(values) = init {
                    for (p, v) in t.elems.iter().zip(&values.elems) {
                        self.record(p, v, declared_at);
                    }
                }
                return;
            }
            _ => return,
        };
        let Expr::MethodCall(m) = init else { return };
        let mutable = match m.method.to_string().as_str() {
            "as_ptr" => false,
            "as_mut_ptr" => true,
            _ => return,
        };
        self.0.push(Pointer {
            name,
            mutable,
            declared_at,
        });
    }
}

impl<'ast> Visit<'ast> for Pointers<'_, '_> {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        if skipped(&l.attrs) {
            return;
        }
        if let Some(init) = &l.init {
            let declared_at = self.1.range(l).start;
            self.record(&l.pat, &init.expr, declared_at);
        }
        visit::visit_local(self, l);
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !skipped(&m.attrs) {
            visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if skipped(&i.attrs) {
            return;
        }
        let saved = self.impl_ty.replace(type_name(&i.self_ty));
        visit::visit_item_impl(self, i);
        self.impl_ty = saved;
    }

    fn visit_item_fn(&mut self, f: &'ast ItemFn) {
        let name = f.sig.ident.to_string();
        self.in_function(name, &f.attrs, &f.sig, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast ImplItemFn) {
        let ty = self.impl_ty.clone().unwrap_or_default();
        let name = format!("{ty}::{}", f.sig.ident);
        self.in_function(name, &f.attrs, &f.sig, &f.block);
    }

    fn visit_item_const(&mut self, _: &'ast syn::ItemConst) {}
    fn visit_item_static(&mut self, _: &'ast syn::ItemStatic) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
    fn visit_type(&mut self, _: &'ast syn::Type) {}
    fn visit_generic_argument(&mut self, _: &'ast syn::GenericArgument) {}

    fn visit_expr_repeat(&mut self, r: &'ast syn::ExprRepeat) {
        self.visit_expr(&r.expr);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if !skipped(&l.attrs) {
            visit::visit_local(self, l);
        }
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        if let Stmt::Expr(e, semi) = s {
            if skipped(expr_attrs(e)) {
                return;
            }
            if let (Expr::Try(t), Some(semi)) = (e, semi) {
                if matches!(&*t.expr, Expr::Call(_) | Expr::MethodCall(_)) {
                    let start = self.range(e).start;
                    let end = self.offset(semi.span().end());
                    self.push(
                        start..end,
                        SiteKind::Stmt,
                        Operator::DropCheck,
                        String::new(),
                    );
                }
            }
        }
        visit::visit_stmt(self, s);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if has_let(&b.left) || has_let(&b.right) {
            return;
        }
        let (l, r) = (self.operand(&b.left), self.operand(&b.right));
        let swapped = |op: &str| format!("{l} {op} {r}");
        match b.op {
            BinOp::Lt(_) => self.push_expr(b, Operator::CmpBoundary, swapped("<=")),
            BinOp::Le(_) => self.push_expr(b, Operator::CmpBoundary, swapped("<")),
            BinOp::Gt(_) => self.push_expr(b, Operator::CmpBoundary, swapped(">=")),
            BinOp::Ge(_) => self.push_expr(b, Operator::CmpBoundary, swapped(">")),
            BinOp::Eq(_) => self.push_expr(b, Operator::CmpNegate, swapped("!=")),
            BinOp::Ne(_) => self.push_expr(b, Operator::CmpNegate, swapped("==")),
            BinOp::And(_) => self.push_expr(b, Operator::AndOr, swapped("||")),
            BinOp::Or(_) => self.push_expr(b, Operator::AndOr, swapped("&&")),
            _ => {}
        }
        if matches!(b.op, BinOp::Add(_) | BinOp::Sub(_)) && is_lit(&b.right, "1") {
            self.push_expr(b, Operator::RemoveOne, l.clone());
        }
        let op = match b.op {
            BinOp::Sub(_) => Some("-"),
            BinOp::Div(_) => Some("/"),
            BinOp::Rem(_) => Some("%"),
            BinOp::Shl(_) => Some("<<"),
            BinOp::Shr(_) => Some(">>"),
            _ => None,
        };
        if let Some(op) = op {
            if !is_any_lit(&b.left) && !is_any_lit(&b.right) {
                self.push_expr(b, Operator::SwapOperands, format!("{r} {op} {l}"));
            }
        }
        visit::visit_expr_binary(self, b);
    }

    fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
        let args: Vec<&Expr> = c.args.iter().collect();
        match (c.method.to_string().as_str(), args.as_slice()) {
            ("add" | "sub", [x]) => {
                self.off_by_one(x, Operator::AddOne, Operator::SubOne);
                self.wrong_buffer(&c.receiver);
            }
            ("set_len" | "with_capacity" | "reserve" | "reserve_exact", [n]) => self.wrong_len(n),
            ("write_bytes", [_, n]) => self.wrong_len(n),
            (
                "copy_to_nonoverlapping" | "copy_from_nonoverlapping" | "copy_to" | "copy_from",
                [p, n],
            ) => {
                self.wrong_len(n);
                self.wrong_buffer(&c.receiver);
                self.wrong_buffer(p);
            }
            _ => {}
        }
        visit::visit_expr_method_call(self, c);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let args: Vec<&Expr> = c.args.iter().collect();
        let name = call_name(&c.func).unwrap_or_default();
        match (name.as_str(), args.as_slice()) {
            ("with_capacity" | "try_with_capacity", [n]) | ("try_filled", [n, _]) => {
                self.wrong_len(n)
            }
            ("write_bytes", [_, _, n]) => self.wrong_len(n),
            ("copy_nonoverlapping" | "copy", [src, dst, n]) => {
                self.wrong_len(n);
                self.wrong_buffer(src);
                self.wrong_buffer(dst);
            }
            _ => {}
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_index(&mut self, i: &'ast syn::ExprIndex) {
        if !matches!(&*i.index, Expr::Range(_)) {
            self.off_by_one(&i.index, Operator::AddOne, Operator::SubOne);
        }
        visit::visit_expr_index(self, i);
    }

    fn visit_expr_range(&mut self, r: &'ast syn::ExprRange) {
        if let Some(end) = &r.end {
            self.off_by_one(end, Operator::AddOne, Operator::SubOne);
        }
        if let Some(start) = &r.start {
            let operand = self.operand(start);
            if !is_plus_minus_one(start, false) {
                self.push_expr(&**start, Operator::AddOne, format!("{operand} + 1"));
            }
        }
        visit::visit_expr_range(self, r);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        if i.else_branch.is_none() && !has_let(&i.cond) && block_returns(&i.then_branch) {
            self.push_expr(&*i.cond, Operator::DropGuard, String::from("false"));
        }
        visit::visit_expr_if(self, i);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.visit_expr(&c.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str) -> Vec<(&'static str, String, String)> {
        find("f.rs", src, Select::All)
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m.operator.name(),
                    squash(&m.original),
                    m.replacement.clone(),
                )
            })
            .collect()
    }

    fn has(all: &[(&str, String, String)], op: &str, original: &str, replacement: &str) -> bool {
        all.iter()
            .any(|(o, a, b)| *o == op && a == original && b == replacement)
    }

    #[test]
    fn each_operator_finds_its_sites() {
        let src = r#"
            fn f(a: &[u32], n: usize, m: usize, ok: bool) -> Result<usize, E> {
                check(n)?;
                if n > m {
                    return Err(E);
                }
                let (p, q) = (a.as_ptr(), a.as_ptr());
                #[cfg(feature = "bug-x")]
                let r = a.as_ptr();
                let mut v = Vec::with_capacity(n + 1);
                for i in 0..n {
                    let x = unsafe { *p.add(i) };
                    if x == 0 && ok { v.push(a[i]); }
                }
                unsafe { v.set_len(n) };
                Ok(n - m)
            }
        "#;
        let all = found(src);
        let expect = [
            ("drop-check", "check(n)?;", ""),
            ("drop-guard", "n > m", "false"),
            ("cmp-boundary", "n > m", "n >= m"),
            ("wrong-len", "n + 1", "(n + 1) + 1"),
            ("remove-one", "n + 1", "n"),
            ("add-one", "n", "n + 1"),
            ("sub-one", "n", "n - 1"),
            ("add-one", "0", "0 + 1"),
            ("add-one", "i", "i + 1"),
            ("sub-one", "i", "i - 1"),
            ("wrong-buffer", "p", "q"),
            ("cmp-negate", "x == 0", "x != 0"),
            ("and-or", "x == 0 && ok", "(x == 0) || ok"),
            ("wrong-len", "n", "n - 1"),
            ("swap-operands", "n - m", "m - n"),
        ];
        for (op, original, replacement) in expect {
            assert!(
                has(&all, op, original, replacement),
                "{op} {original} -> {replacement} missing from {all:#?}"
            );
        }
        // `n + 1 - 1` would only undo the `+ 1` (remove-one has it); `0 - 1` cannot compile.
        assert!(!has(&all, "wrong-len", "n + 1", "(n + 1) - 1"));
        assert!(!has(&all, "sub-one", "0", "0 - 1"));
        assert!(
            !has(&all, "wrong-buffer", "p", "r"),
            "a pointer of seeded-bug code"
        );
    }

    #[test]
    fn test_code_bug_code_macros_patterns_and_consts_are_not_mutated() {
        let src = r#"
            const N: usize = 3 + 1;
            fn f(n: usize) -> usize {
                debug_assert!(n < 4);
                #[cfg(feature = "bug-x")]
                let n = n - 1;
                #[cfg(not(feature = "bug-x"))]
                let k = n + 1;
                let a = [0u8; 2 + 1];
                match n { 0..=3 => k, _ => 0 }
            }
            #[cfg(test)]
            mod tests { fn g(n: usize) -> bool { n < 2 } }
        "#;
        let all = found(src);
        assert!(has(&all, "remove-one", "n + 1", "n"), "{all:#?}");
        let originals: Vec<&str> = all.iter().map(|(_, a, _)| a.as_str()).collect();
        for absent in ["3 + 1", "n < 4", "n - 1", "2 + 1", "3", "n < 2"] {
            assert!(!originals.contains(&absent), "{absent} mutated: {all:#?}");
        }
    }

    #[test]
    fn roots_select_a_function_and_its_helpers_in_the_file() {
        let src = r#"
            struct Plan;
            impl Plan {
                fn new(n: usize) -> usize { Self::helper(n) + n.run() + 1 }
                fn helper(n: usize) -> usize { free(n) - 1 }
                fn run(n: usize) -> usize { n + 1 }
            }
            fn free(n: usize) -> usize { n / 2 + 1 }
        "#;
        let all = find("f.rs", src, Select::Roots(&["Plan::new"])).unwrap();
        let functions: BTreeSet<&str> = all.iter().map(|m| m.function.as_str()).collect();
        assert_eq!(
            functions,
            BTreeSet::from(["Plan::new", "Plan::helper", "free"])
        );
    }

    #[test]
    fn ids_survive_unrelated_edits_and_reformatting() {
        let before =
            "fn a(n: usize) -> bool { n < 3 && n > 1 }\nfn b(n: usize) -> usize { n + 1 }\n";
        let after = "fn z(k: usize) -> bool { k <= 9 }\n\nfn a(n: usize)\n    -> bool {\n    n < 3\n        && n > 1\n}\nfn b(n: usize) -> usize { n + 1 + 1 }\n";
        let ids = |src: &str, f: &str| -> BTreeSet<u32> {
            find("f.rs", src, Select::All)
                .unwrap()
                .iter()
                .filter(|m| m.function == f)
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(ids(before, "a"), ids(after, "a"));
        assert_eq!(ids(before, "a").len(), 3);
        assert_ne!(ids(before, "b"), ids(after, "b"));
        // The same change at two places of one function: told apart by their occurrence.
        let twice = find(
            "f.rs",
            "fn c(n: usize) -> bool { n < 1 || n < 1 }",
            Select::All,
        )
        .unwrap();
        let ids: BTreeSet<u32> = twice.iter().map(|m| m.id).collect();
        assert_eq!(ids.len(), twice.len());
    }

    #[test]
    fn sites_carry_their_line_and_column() {
        let m = find(
            "f.rs",
            "fn f(n: usize) -> bool {\n    é(); n <= 2\n}\n",
            Select::All,
        )
        .unwrap();
        let cmp = m
            .iter()
            .find(|m| m.operator == Operator::CmpBoundary)
            .unwrap();
        assert_eq!(
            (cmp.line, cmp.column, cmp.original.as_str()),
            (2, 10, "n <= 2")
        );
    }
}
