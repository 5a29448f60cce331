//! `#[allow(<rule>, …, reason = "…")]` before an op: which safety rules the author accepts
//! breaking there, and why.

use migrate_core::check::Waiver;
use migrate_core::diagnostic::{did_you_mean, CheckId, Location, Part, Section};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::args::any_ident;
use crate::ctxt::Ctxt;

/// Splits the leading `#[…]` attributes off a statement, parsing each into a waiver for the op at
/// `section`; returns the op's own tokens.
pub(crate) fn split(
    cx: &mut Ctxt,
    section: Section,
    statement: TokenStream,
) -> (Vec<Waiver>, TokenStream) {
    let mut tokens: Vec<TokenTree> = statement.into_iter().collect();
    let mut waivers = Vec::new();
    while let [TokenTree::Punct(pound), TokenTree::Group(group), ..] = tokens.as_slice() {
        if pound.as_char() != '#' || group.delimiter() != Delimiter::Bracket {
            break;
        }
        let attribute: TokenStream = tokens.drain(..2).collect();
        let content = match &attribute.clone().into_iter().nth(1) {
            Some(TokenTree::Group(group)) => group.stream(),
            _ => TokenStream::new(),
        };
        cx.record(Location::new(section, Part::Waiver), &attribute);
        match (|input: ParseStream| parse(input, section)).parse2(content) {
            Ok(waiver) => waivers.push(waiver),
            Err(error) => cx.error(syn::Error::new(error.span(), error.to_string())),
        }
    }
    (waivers, tokens.into_iter().collect())
}

fn parse(input: ParseStream, section: Section) -> syn::Result<Waiver> {
    let allow: Ident = input.parse()?;
    if allow != "allow" {
        return Err(syn::Error::new_spanned(
            allow,
            "only `#[allow(<rule>, reason = \"…\")]` may stand before an op",
        ));
    }
    let content;
    let parens = syn::parenthesized!(content in input);
    let mut checks = Vec::new();
    let mut reason: Option<LitStr> = None;
    while !content.is_empty() {
        let word = any_ident(&content)?;
        if word == "reason" {
            content.parse::<Token![=]>()?;
            reason = Some(content.parse()?);
        } else {
            checks.push(rule(&word)?);
        }
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    if checks.is_empty() {
        return Err(syn::Error::new(
            parens.span.join(),
            "name the rule this op may break: `#[allow(<rule>, reason = \"…\")]`",
        ));
    }
    let reason = match reason {
        Some(reason) if !reason.value().trim().is_empty() => reason.value(),
        Some(reason) => {
            return Err(syn::Error::new_spanned(
                reason,
                "the reason is empty: say why breaking the rule is safe here",
            ))
        }
        None => return Err(syn::Error::new(
            parens.span.join(),
            "a waiver needs `reason = \"…\"`: it is what the reviewer and the next maintainer read",
        )),
    };
    Ok(Waiver {
        section,
        checks,
        reason,
    })
}

fn rule(word: &Ident) -> syn::Result<CheckId> {
    let name = word.to_string();
    let waivable: Vec<&str> = CheckId::ALL
        .iter()
        .filter(|check| check.is_waivable())
        .map(|check| check.as_str())
        .collect();
    match CheckId::from_name(&name) {
        Some(check) if check.is_waivable() => Ok(check),
        Some(check) => Err(syn::Error::new_spanned(
            word,
            format!("`{check}` cannot be waived: it guards that the migration can be undone and means what it says"),
        )),
        None => {
            let hint = did_you_mean(&name, &waivable)
                .map(|known| format!("did you mean `{known}`? "))
                .unwrap_or_default();
            Err(syn::Error::new_spanned(
                word,
                format!("unknown rule `{name}`; {hint}rules that can be waived: {}", waivable.join(", ")),
            ))
        }
    }
}
