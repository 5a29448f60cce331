//! `#[migrate_runtime::test(migrations = …)]`: a test that gets a fresh database migrated to head
//! (or to `revision = "…"`), once per backend: SQLite and PostgreSQL, or the ones `backend = "…"`
//! lists (`"sqlite"`, `"postgres"`, `"mysql"`, comma-separated).
//!
//! The attribute only reshapes the function: the database, the migration and the messages are
//! `migrate_runtime::testing`'s.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ItemFn, Lit, Meta, Token};

pub(crate) fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    match expand(args, item) {
        Ok(tokens) => tokens,
        Err(errors) => errors.to_compile_error(),
    }
}

fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: ItemFn = syn::parse2(item)?;
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)?;
    let mut errors: Option<syn::Error> = None;
    let mut push = |error: syn::Error| match &mut errors {
        Some(all) => all.combine(error),
        None => errors = Some(error),
    };
    let (mut migrations, mut revision, mut backends) = (None, None, vec!["sqlite", "postgres"]);
    for meta in &metas {
        let Meta::NameValue(pair) = meta else {
            push(syn::Error::new_spanned(meta, "expected `migrations = path::MIGRATIONS`, `revision = \"…\"` or `backend = \"sqlite\"`"));
            continue;
        };
        let key = pair
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        let string = |value: &Expr| match value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) => Some(text.value()),
            _ => None,
        };
        match key.as_str() {
            "migrations" => migrations = Some(pair.value.clone()),
            "revision" => match string(&pair.value) {
                Some(text) => revision = Some(text),
                None => push(syn::Error::new_spanned(
                    &pair.value,
                    "expected a revision as a string: `revision = \"0003\"`",
                )),
            },
            "backend" => {
                let listed = string(&pair.value).map(|names| {
                    names
                        .split(',')
                        .map(|name| match name.trim() {
                            "sqlite" => Some("sqlite"),
                            "postgres" => Some("postgres"),
                            "mysql" => Some("mysql"),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>()
                });
                match listed {
                    Some(Some(listed)) if !listed.is_empty() => backends = listed,
                    _ => push(syn::Error::new_spanned(&pair.value, "expected `backend = \"sqlite\"`, `\"postgres\"` or `\"mysql\"`, or several separated by commas (without it, the test runs on SQLite and PostgreSQL)")),
                }
            }
            _ => push(syn::Error::new_spanned(
                &pair.path,
                "unknown setting: expected `migrations`, `revision` or `backend`",
            )),
        }
    }
    let Some(migrations) = migrations else {
        push(syn::Error::new(
            Span::call_site(),
            "missing `migrations = path::MIGRATIONS`: the set the test database is migrated with",
        ));
        return Err(errors.unwrap_or_else(|| syn::Error::new(Span::call_site(), "")));
    };
    if function.sig.inputs.len() != 1 {
        let message = "the test takes the migrated connection: `fn name(conn: &mut migrate_runtime::AnyConnection)`";
        push(match function.sig.inputs.is_empty() {
            true => syn::Error::new_spanned(&function.sig.ident, message),
            false => syn::Error::new_spanned(&function.sig.inputs, message),
        });
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    let name = &sig.ident;
    let inner = syn::Ident::new("__migrate_test_body", name.span());
    let mut inner_sig = sig.clone();
    inner_sig.ident = inner.clone();
    let target = match &revision {
        Some(revision) => quote!(::std::option::Option::Some(#revision)),
        None => quote!(::std::option::Option::None),
    };
    let returns_unit = matches!(sig.output, syn::ReturnType::Default);
    let call = match returns_unit {
        true => quote!(#inner(&mut conn);),
        false => quote! {
            if let ::std::result::Result::Err(error) = #inner(&mut conn) {
                panic!("on {}: {:?}", backend, error);
            }
        },
    };
    Ok(quote! {
        #[test]
        #(#attrs)*
        #vis fn #name() {
            #inner_sig #block
            for backend in [#(#backends),*] {
                let db = ::migrate_runtime::testing::TestDatabase::for_backend(backend);
                let mut conn = ::migrate_runtime::testing::migrated(&db, &#migrations, #target);
                #call
            }
        }
    })
}
