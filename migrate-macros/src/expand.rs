//! Emission: the `'static` migration, its registration, and the fallback on errors.
//!
//! On success the macro emits `pub static MIGRATION` and submits it to `inventory`. With errors it
//! emits them *and* the same `pub static MIGRATION` item, unregistered, so code that names the
//! migration (`m0003::MIGRATION`) produces no second wave of "cannot find value" errors.
//! Generated code names only `::migrate_runtime::__private`.

use migrate_core::check::{check, Config};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;
use crate::{parse, to_tokens};

pub(crate) fn migration(input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let Some(def) = parse::migration(&mut cx, input) else {
        let errors = cx.into_compile_errors();
        return quote! {
            #errors
            pub static MIGRATION: ::migrate_runtime::__private::model::Migration =
                ::migrate_runtime::__private::PLACEHOLDER;
        };
    };
    let config = match crate::config::load() {
        Ok(config) => config,
        Err(error) => {
            cx.error(syn::Error::new(
                proc_macro2::Span::call_site(),
                format!("cannot read the settings of `migration!`: {error}"),
            ));
            Config::default()
        }
    };
    let (migration, diagnostics) = check(def, &config);
    for diagnostic in &diagnostics {
        cx.diagnostic(diagnostic);
    }
    let doc = migration.doc.to_string();
    let value = to_tokens::migration(&migration);
    let item = quote! {
        #[doc = #doc]
        pub static MIGRATION: ::migrate_runtime::__private::model::Migration = #value;
    };
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        return quote!(#errors #item);
    }
    let steps = cx.rust_steps.iter().map(|path| {
        let text = crate::ops::path_text(path).to_string();
        // Spanned at the user's path, so a wrong signature is reported there.
        quote_spanned!(path.span()=> ::migrate_runtime::__private::RustStep::new(#text, #path))
    });
    quote! {
        #item
        ::migrate_runtime::__private::inventory::submit! {
            ::migrate_runtime::__private::Registration::new(&MIGRATION, &[#(#steps),*], ::core::module_path!())
        }
    }
}
