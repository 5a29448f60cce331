//! The grammar of `migration!`, parsed straight into the core model.
//!
//! ```text
//! /// Doc comment.
//! id: "0003_add_user_role",
//! parent: "0002_create_users",        // or `parent: none`, or `parents: ["a", "b"]`
//! replaces: ["0001_a", "0002_b"],     // optional: the migrations this one squashes
//! lock_timeout: "5s",                 // optional; also `statement_timeout`
//! names: adopted,                     // optional: the objects exist already, names kept
//! upgrade { op; op; … }               // or `change { … }`: the downgrade is computed
//! downgrade { op; … }                 // or `downgrade { irreversible("reason"); }`
//! ```
//!
//! There is no intermediate syntax tree: the core model is the tree, and the [`Ctxt`] remembers
//! which tokens each part came from. Blocks are split into `;`-terminated statements at the token
//! level and each statement is parsed on its own, so a mistake in one op still lets the others be
//! checked and every error of the call is reported at once.

use migrate_core::check::{DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{did_you_mean, Location, Part, Section};
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, LitStr, Token};

use crate::args::{self, any_ident};
use crate::ctxt::Ctxt;
use crate::ops;

const FIELDS: &[&str] = &[
    "id",
    "parent",
    "parents",
    "replaces",
    "lock_timeout",
    "statement_timeout",
    "names",
    "upgrade",
    "change",
    "downgrade",
];

/// Parses the whole input; `None` when the header is too broken to build a migration.
pub(crate) fn migration(cx: &mut Ctxt, input: TokenStream) -> Option<MigrationDef> {
    let header = match (|input: ParseStream| Header::parse(input)).parse2(input) {
        Ok(header) => header,
        Err(error) => {
            cx.error(error);
            return None;
        }
    };
    let Some((id, id_lit)) = header.id else {
        cx.error(syn::Error::new(
            Span::call_site(),
            "missing `id: \"0001_describe_the_change\"`",
        ));
        return None;
    };
    cx.record(Location::op(Section::Id), &id_lit);
    let Some(parents) = header.parents else {
        cx.error(syn::Error::new_spanned(
            &id_lit,
            "missing `parent: \"<id of the previous migration>\"` after the id; write `parent: none` for the first migration",
        ));
        return None;
    };
    if let Some(tokens) = &header.parents_tokens {
        cx.record(Location::op(Section::Parents), tokens);
    }
    let mut replaces = Vec::new();
    if let Some((tokens, literals)) = &header.replaces {
        cx.record(Location::op(Section::Replaces), tokens);
        for (index, literal) in literals.iter().enumerate() {
            cx.record(
                Location::new(Section::Replaces, Part::Value(index)),
                literal,
            );
            replaces.push(literal.value());
        }
    }
    let Some((keyword, upgrade_block, computed)) = header.upgrade else {
        cx.error(syn::Error::new_spanned(
            &id_lit,
            "missing `upgrade { … }` (or `change { … }`, whose downgrade is computed)",
        ));
        return None;
    };
    cx.record(Location::op(Section::UpgradeKeyword), &keyword);
    let upgrade = block(cx, upgrade_block, Section::Upgrade);
    let downgrade = match header.downgrade {
        _ if computed => {
            if let Some((keyword, _)) = header.downgrade {
                cx.error(syn::Error::new_spanned(
                    keyword,
                    "`change { … }` computes the downgrade; write `upgrade { … }` to give your own",
                ));
            }
            DowngradeDef::Computed
        }
        None => DowngradeDef::Missing,
        Some((keyword, tokens)) => {
            cx.record(Location::op(Section::DowngradeKeyword), &keyword);
            downgrade(cx, tokens)
        }
    };
    Some(MigrationDef {
        id,
        parents,
        replaces,
        doc: header.doc,
        upgrade,
        downgrade,
        lock_timeout_ms: header.lock_timeout_ms,
        waivers: std::mem::take(&mut cx.waivers),
        adopted_names: header.adopted_names,
        statement_timeout_ms: header.statement_timeout_ms,
    })
}

fn block(
    cx: &mut Ctxt,
    tokens: TokenStream,
    section: fn(usize) -> Section,
) -> Vec<migrate_core::Op> {
    let mut ops = Vec::new();
    for statement in args::statements(tokens) {
        let at = section(ops.len());
        let (waivers, statement) = crate::waiver::split(cx, at, statement);
        match ops::op(cx, at, statement) {
            Ok(op) => {
                ops.push(op);
                cx.waivers.extend(waivers);
            }
            Err(error) => {
                cx.forget(at);
                cx.error(error);
            }
        }
    }
    ops
}

fn downgrade(cx: &mut Ctxt, tokens: TokenStream) -> DowngradeDef {
    let statements = args::statements(tokens.clone());
    let irreversible = statements.iter().position(|statement| {
        matches!(statement.clone().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "irreversible")
    });
    let Some(position) = irreversible else {
        return DowngradeDef::Ops(block(cx, tokens, Section::Downgrade));
    };
    if statements.len() > 1 {
        cx.error(syn::Error::new_spanned(
            &statements[position],
            "`irreversible(…)` refuses the whole downgrade, so it stands alone in `downgrade { … }`",
        ));
    }
    cx.record(Location::op(Section::Downgrade(0)), &statements[position]);
    let statement = &statements[position];
    let reason = (|input: ParseStream| {
        input.parse::<Ident>()?;
        // `irreversible;` or `irreversible "why";`: the form is right but for the parentheses.
        if !input.peek(syn::token::Paren) {
            return Err(syn::Error::new_spanned(
                statement,
                "`irreversible` takes the reason in parentheses: write `irreversible(\"why this cannot be rolled back\");`",
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        let reason: LitStr = content.parse().map_err(|_| {
            content.error("`irreversible` takes the reason as a string: `irreversible(\"why\")`")
        })?;
        Ok(reason.value())
    })
    .parse2(statement.clone());
    match reason {
        Ok(reason) => DowngradeDef::Irreversible(reason),
        Err(error) => {
            cx.error(error);
            DowngradeDef::Irreversible("?".into())
        }
    }
}

#[derive(Default)]
struct Header {
    doc: String,
    id: Option<(String, LitStr)>,
    parents: Option<Vec<String>>,
    parents_tokens: Option<TokenStream>,
    /// `replaces: [...]`: the whole list's tokens, and each id.
    replaces: Option<(TokenStream, Vec<LitStr>)>,
    lock_timeout_ms: Option<u64>,
    statement_timeout_ms: Option<u64>,
    /// `names: adopted`.
    adopted_names: bool,
    /// The keyword, the block, and whether it is `change`.
    upgrade: Option<(Ident, TokenStream, bool)>,
    downgrade: Option<(Ident, TokenStream)>,
}

impl Header {
    fn parse(input: ParseStream) -> syn::Result<Header> {
        let mut header = Header::default();
        let docs: Vec<String> = Attribute::parse_outer(input)?
            .iter()
            .filter_map(|attr| match &attr.meta {
                syn::Meta::NameValue(meta) if meta.path.is_ident("doc") => match &meta.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(doc),
                        ..
                    }) => Some(doc.value().trim().to_owned()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        header.doc = docs.join("\n");
        while !input.is_empty() {
            let key = any_ident(input)?;
            let name = key.to_string();
            let duplicate = || syn::Error::new_spanned(&key, format!("`{name}` is given twice"));
            match name.as_str() {
                "id" => {
                    input.parse::<Token![:]>()?;
                    let lit: LitStr = input.parse()?;
                    if header.id.is_some() {
                        return Err(duplicate());
                    }
                    header.id = Some((lit.value(), lit));
                }
                "parent" | "parents" => {
                    input.parse::<Token![:]>()?;
                    if header.parents.is_some() {
                        return Err(syn::Error::new_spanned(
                            &key,
                            "give either `parent:` or `parents:`, once",
                        ));
                    }
                    let fork = input.fork();
                    let parents = if name == "parent" {
                        if input.peek(Ident) {
                            let none = any_ident(input)?;
                            if none != "none" {
                                return Err(syn::Error::new_spanned(none, "expected the parent's id as a string, or `none` for the first migration"));
                            }
                            Vec::new()
                        } else {
                            vec![input.parse::<LitStr>()?.value()]
                        }
                    } else {
                        let list = args::string_list(input)?;
                        if list.len() < 2 {
                            return Err(syn::Error::new_spanned(&key, "`parents: [a, b]` is for merges of two or more; write `parent: \"id\"` for one"));
                        }
                        list.iter().map(LitStr::value).collect()
                    };
                    header.parents_tokens = Some(tokens_between(&fork, input));
                    header.parents = Some(parents);
                }
                // `replaces: ["0001_a", "0002_b"]`: the migrations this one squashes.
                "replaces" => {
                    input.parse::<Token![:]>()?;
                    if header.replaces.is_some() {
                        return Err(duplicate());
                    }
                    let fork = input.fork();
                    let list = args::string_list(input)?;
                    let tokens = tokens_between(&fork, input);
                    if list.is_empty() {
                        return Err(syn::Error::new_spanned(
                            tokens,
                            "`replaces: [...]` lists the migrations this one squashes, oldest first; remove it when there are none",
                        ));
                    }
                    header.replaces = Some((tokens, list));
                }
                "lock_timeout" | "statement_timeout" => {
                    input.parse::<Token![:]>()?;
                    let lit: LitStr = input.parse()?;
                    let ms = duration_ms(&lit.value()).ok_or_else(|| {
                        syn::Error::new_spanned(
                            &lit,
                            "expected a duration such as \"500ms\", \"5s\" or \"2min\"",
                        )
                    })?;
                    if name == "lock_timeout" {
                        header.lock_timeout_ms = Some(ms);
                    } else {
                        header.statement_timeout_ms = Some(ms);
                    }
                }
                "names" => {
                    input.parse::<Token![:]>()?;
                    let value = any_ident(input)?;
                    if value != "adopted" {
                        return Err(syn::Error::new_spanned(
                            value,
                            "expected `names: adopted`: the objects this migration creates already exist and keep their names (only their length is checked)",
                        ));
                    }
                    header.adopted_names = true;
                }
                "upgrade" | "change" => {
                    let content;
                    syn::braced!(content in input);
                    if header.upgrade.is_some() {
                        return Err(syn::Error::new_spanned(
                            &key,
                            "give one `upgrade { … }` or one `change { … }`",
                        ));
                    }
                    header.upgrade = Some((key.clone(), content.parse()?, name == "change"));
                }
                "downgrade" => {
                    let content;
                    syn::braced!(content in input);
                    if header.downgrade.is_some() {
                        return Err(duplicate());
                    }
                    header.downgrade = Some((key.clone(), content.parse()?));
                }
                other => {
                    let hint = did_you_mean(other, FIELDS)
                        .map(|known| format!("did you mean `{known}`? "))
                        .unwrap_or_default();
                    return Err(syn::Error::new_spanned(
                        &key,
                        format!(
                            "unexpected `{other}`; {hint}expected one of: {}",
                            FIELDS.join(", ")
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Option<Token![,]>>()?;
            }
        }
        Ok(header)
    }
}

/// The tokens consumed from `fork` up to where `input` is now.
pub(crate) fn tokens_between(fork: ParseStream, input: ParseStream) -> TokenStream {
    let mut tokens = TokenStream::new();
    let _ = fork.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if next == input.cursor() || rest == input.cursor() {
                if rest != input.cursor() {
                    tokens.extend([tt]);
                }
                break;
            }
            tokens.extend([tt]);
            rest = next;
        }
        Ok(((), rest))
    });
    tokens
}

/// `"500ms"`, `"5s"`, `"2min"` → milliseconds.
fn duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "ms" => 1,
        "s" => 1_000,
        "min" => 60_000,
        _ => return None,
    };
    number.checked_mul(factor)
}
