//! Error accumulation and the map from core locations back to tokens.
//!
//! Like serde_derive's `Ctxt`: every stage pushes errors here instead of returning at the first,
//! so one macro call reports every problem at once.

use std::collections::HashMap;

use migrate_core::diagnostic::{Location, Part, Section};
use migrate_core::Diagnostic;
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
    /// The tokens each location was parsed from, to point diagnostics at them.
    spans: HashMap<Location, TokenStream>,
    /// The paths of `run(up: …, down: …)`, to emit function pointers spanned at the user's path.
    pub(crate) rust_steps: Vec<syn::Path>,
    /// The `#[allow(…)]` waivers of the ops parsed so far.
    pub(crate) waivers: Vec<migrate_core::check::Waiver>,
}

impl Ctxt {
    pub(crate) fn error(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    pub(crate) fn record(&mut self, at: Location, tokens: impl ToTokens) {
        self.spans
            .entry(at)
            .or_insert_with(|| tokens.to_token_stream());
    }

    /// Forgets the tokens recorded for an op that failed to parse: its index goes to the next op.
    pub(crate) fn forget(&mut self, section: Section) {
        self.spans.retain(|at, _| at.section != section);
    }

    /// Reports a core diagnostic at the smallest recorded tokens for its location.
    pub(crate) fn diagnostic(&mut self, diagnostic: &Diagnostic) {
        // The computed downgrade has no tokens: its problems show on the upgrade op they undo, at
        // the value written there when the check names one (the `down:` SQL of an `execute`).
        let at = match diagnostic.at {
            Location {
                section: Section::ComputedDowngrade(index),
                part: part @ Part::Value(_),
            } => Location::new(Section::Upgrade(index), part),
            Location {
                section: Section::ComputedDowngrade(index),
                ..
            } => Location::op(Section::Upgrade(index)),
            at => at,
        };
        let tokens = self
            .spans
            .get(&at)
            .or_else(|| self.spans.get(&Location::new(at.section, Part::Whole)))
            .cloned();
        let message = diagnostic.to_string();
        let error = match tokens {
            Some(tokens) => syn::Error::new_spanned(tokens, message),
            None => syn::Error::new(Span::call_site(), message),
        };
        self.errors.push(error);
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// All errors as `compile_error!` invocations.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.errors
            .into_iter()
            .map(|error| error.to_compile_error())
            .collect()
    }
}
