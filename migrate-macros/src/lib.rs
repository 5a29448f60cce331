//! The `migration!` macro: a thin shell around `migrate-core`.
//!
//! Parsing turns tokens into the core model while remembering where each part came from; every
//! rule (reversibility, naming, transactions) lives in `migrate-core`, which the runtime and the
//! tests call too. Users depend on `migrate-runtime`, which re-exports this macro and documents
//! its grammar.

mod args;
mod cache;
mod chain;
mod config;
mod ctxt;
mod expand;
mod ops;
mod parse;
mod test_attr;
mod to_tokens;
mod waiver;

/// The token of a set of migrations; finds and checks the chain. See
/// `migrate_runtime::migrations!`.
#[proc_macro]
pub fn migrations(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    chain::migrations(input.into()).into()
}

/// A test on a fresh database migrated by a set of migrations. See `migrate_runtime::test`.
#[proc_macro_attribute]
pub fn test(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    test_attr::test(args.into(), item.into()).into()
}

/// Declares one migration. See `migrate_runtime::migration!` for the grammar and examples.
#[proc_macro]
pub fn migration(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::migration(input.into()).into()
}
