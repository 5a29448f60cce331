//! The argument list of one op, split at top-level commas, and the typed values inside it.
//!
//! `create_index(ix_users_email, users(email), unique, where: "deleted_at IS NULL")` has
//! positional arguments (`ix_users_email`, `users(email)`), flags (`unique`) and named arguments
//! (`where: …`). A column definition (`role: varchar(50) nullable`) looks like a named argument;
//! each op takes its named arguments by key first, so whatever remains is positional.

use migrate_core::diagnostic::did_you_mean;
use migrate_core::model::{Column, ColumnType, DefaultValue, Generated, Scalar, SqlFunction, Text};
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

pub(crate) struct Arg {
    pub key: Option<Ident>,
    pub value: TokenStream,
}

impl ToTokens for Arg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.key.to_tokens(tokens);
        self.value.to_tokens(tokens);
    }
}

impl Arg {
    pub(crate) fn parse<T>(
        &self,
        parser: impl FnOnce(ParseStream) -> syn::Result<T>,
    ) -> syn::Result<T> {
        let parser = |input: ParseStream| {
            let value = parser(input)?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens after this argument"));
            }
            Ok(value)
        };
        if self.value.is_empty() {
            return Err(syn::Error::new_spanned(self, "expected a value after `:`"));
        }
        parser.parse2(self.value.clone()).map_err(|error| {
            // syn reports the end of the input at the call site; point at this argument instead.
            if error.to_string().starts_with("unexpected end of input") {
                syn::Error::new_spanned(self, error.to_string())
            } else {
                error
            }
        })
    }

    /// The value as a bare identifier, whatever the key: `none` in `from: none`.
    pub(crate) fn value_ident(&self) -> Option<Ident> {
        let mut tokens = self.value.clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Ident(ident)), None) => Some(ident),
            _ => None,
        }
    }

    /// The argument as a bare identifier, if it is one.
    pub(crate) fn as_ident(&self) -> Option<Ident> {
        if self.key.is_some() {
            return None;
        }
        let mut tokens = self.value.clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Ident(ident)), None) => Some(ident),
            _ => None,
        }
    }
}

/// The remaining arguments of one op.
pub(crate) struct Args {
    op: Ident,
    items: Vec<Arg>,
}

impl Args {
    pub(crate) fn split(op: Ident, content: TokenStream) -> Args {
        let mut items = Vec::new();
        let mut current = Vec::new();
        for token in content {
            match &token {
                TokenTree::Punct(punct) if punct.as_char() == ',' => {
                    items.push(std::mem::take(&mut current));
                }
                _ => current.push(token),
            }
        }
        if !current.is_empty() {
            items.push(current);
        }
        let items = items
            .into_iter()
            .filter(|tokens| !tokens.is_empty())
            .map(|tokens| match tokens.as_slice() {
                [TokenTree::Ident(key), TokenTree::Punct(colon), ..]
                    if colon.as_char() == ':' && colon.spacing() == Spacing::Alone =>
                {
                    Arg {
                        key: Some(key.clone()),
                        value: tokens[2..].iter().cloned().collect(),
                    }
                }
                _ => Arg {
                    key: None,
                    value: tokens.into_iter().collect(),
                },
            })
            .collect();
        Args { op, items }
    }

    pub(crate) fn op(&self) -> &Ident {
        &self.op
    }

    /// The next positional argument as an identifier, without taking it.
    pub(crate) fn peek_ident(&self) -> Option<Ident> {
        self.items.first().and_then(Arg::as_ident)
    }

    /// Whether the next argument is labelled, `key: …`.
    pub(crate) fn next_is_labelled(&self) -> bool {
        self.items.first().is_some_and(|arg| arg.key.is_some())
    }

    /// The tokens of the next positional argument, without taking it.
    pub(crate) fn peek_tokens(&self) -> TokenStream {
        self.items
            .first()
            .map(ToTokens::to_token_stream)
            .unwrap_or_default()
    }

    /// Takes the named argument `key: …`.
    pub(crate) fn named(&mut self, key: &str) -> Option<Arg> {
        let position = self
            .items
            .iter()
            .position(|arg| arg.key.as_ref().is_some_and(|k| k == key))?;
        Some(self.items.remove(position))
    }

    /// Takes the bare flag `name`, returning its token.
    pub(crate) fn flag(&mut self, name: &str) -> Option<Ident> {
        let position = self
            .items
            .iter()
            .position(|arg| arg.as_ident().is_some_and(|ident| ident == name))?;
        self.items.remove(position).as_ident()
    }

    /// Takes the next positional argument, describing what was expected if there is none.
    pub(crate) fn positional(&mut self, what: &str, signature: &str) -> syn::Result<Arg> {
        if self.items.is_empty() {
            return Err(syn::Error::new_spanned(
                &self.op,
                format!("`{}` is missing {what}; write `{signature}`", self.op),
            ));
        }
        Ok(self.items.remove(0))
    }

    /// Takes the next positional argument, which must not be labelled: a label left once the op
    /// has taken the ones it knows is one it does not know, and must not pass for the value.
    pub(crate) fn unlabelled(&mut self, what: &str, signature: &str) -> syn::Result<Arg> {
        if let Some(key) = self.items.first().and_then(|arg| arg.key.clone()) {
            return Err(syn::Error::new_spanned(
                &key,
                format!(
                    "`{}` has no argument `{key}:`; it takes {what} first: write `{signature}`",
                    self.op
                ),
            ));
        }
        self.positional(what, signature)
    }

    /// Fails on any argument left over, listing what the op accepts.
    pub(crate) fn finish(&self, signature: &str, known: &[&str]) -> syn::Result<()> {
        let Some(extra) = self.items.first() else {
            return Ok(());
        };
        let word = extra
            .key
            .clone()
            .or_else(|| extra.as_ident())
            .map(|ident| ident.to_string());
        let hint = word
            .as_deref()
            .and_then(|word| did_you_mean(word, known))
            .map(|known| format!("did you mean `{known}`? "))
            .unwrap_or_default();
        Err(syn::Error::new_spanned(
            extra,
            format!(
                "unexpected argument to `{}`; {hint}it takes `{signature}`",
                self.op
            ),
        ))
    }
}

/// Splits a `{ … }` or `[ … ]` group, or the whole stream, into `;`-terminated statements.
pub(crate) fn statements(content: TokenStream) -> Vec<TokenStream> {
    let mut statements = Vec::new();
    let mut current = TokenStream::new();
    for token in content {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ';' => {
                statements.push(std::mem::take(&mut current));
            }
            _ => current.extend([token]),
        }
    }
    if !current.is_empty() {
        statements.push(current);
    }
    statements.retain(|statement| !statement.is_empty());
    statements
}

pub(crate) fn text(ident: &Ident) -> Text {
    ident.to_string().into()
}

/// `users(email, created_at)`
pub(crate) fn table_columns(input: ParseStream) -> syn::Result<(Ident, Vec<Ident>)> {
    let table: Ident = input.parse()?;
    let content;
    syn::parenthesized!(content in input);
    let columns = content.parse_terminated(Ident::parse_any_ident, Token![,])?;
    if columns.is_empty() {
        return Err(syn::Error::new_spanned(
            &table,
            "list at least one column: `table(column, …)`",
        ));
    }
    Ok((table, columns.into_iter().collect()))
}

trait ParseAnyIdent: Sized {
    fn parse_any_ident(input: ParseStream) -> syn::Result<Self>;
}

impl ParseAnyIdent for Ident {
    /// Accepts keywords too: `type`, `where` and `order` are fine column names.
    fn parse_any_ident(input: ParseStream) -> syn::Result<Ident> {
        syn::ext::IdentExt::parse_any(input)
    }
}

pub(crate) fn any_ident(input: ParseStream) -> syn::Result<Ident> {
    Ident::parse_any_ident(input)
}

pub(crate) fn lit_str(input: ParseStream) -> syn::Result<LitStr> {
    input.parse()
}

/// `["a", "b"]`
pub(crate) fn string_list(input: ParseStream) -> syn::Result<Vec<LitStr>> {
    let content;
    syn::bracketed!(content in input);
    let items = content.parse_terminated(lit_str, Token![,])?;
    Ok(items.into_iter().collect())
}

/// `name: type [nullable] [identity] [default(value)] [generated("expr") [stored]]`, given the
/// name already split off; with the tokens of the value it was given (its `default(…)` or its
/// `generated(…)`), for diagnostics about it.
pub(crate) fn column(
    name: &Ident,
    input: ParseStream,
) -> syn::Result<(Column, Option<TokenStream>)> {
    let ty = column_type(input)?;
    let mut column = Column {
        name: text(name),
        ty,
        nullable: false,
        default: None,
        identity: false,
        generated: None,
    };
    let mut value_tokens = None;
    // The modifiers a generated column refuses, to point at whichever was written.
    let (mut identity, mut default, mut generated) = (None, None, None);
    while !input.is_empty() {
        let modifier = any_ident(input)?;
        match modifier.to_string().as_str() {
            "nullable" => column.nullable = true,
            "identity" => {
                if !matches!(&column.ty, ColumnType::Scalar(scalar) if scalar.is_integer()) {
                    return Err(syn::Error::new_spanned(
                        modifier,
                        "`identity` needs an integer type: `bigint identity`",
                    ));
                }
                column.identity = true;
                identity = Some(modifier);
            }
            "default" => {
                let content;
                syn::parenthesized!(content in input);
                value_tokens = Some(content.fork().parse::<TokenStream>()?);
                column.default = Some(default_value(&content)?);
                if !content.is_empty() {
                    return Err(content.error("one default value expected"));
                }
                default = Some(modifier);
            }
            // `generated("price * quantity")`, `generated("lower(email)") stored`
            "generated" => {
                if !input.peek(syn::token::Paren) {
                    return Err(syn::Error::new_spanned(modifier, GENERATED_EXPECTED));
                }
                let group: proc_macro2::Group = input.parse()?;
                let expr = generated_expr(&modifier, &group)?;
                let stored = input.peek(Ident) && input.fork().call(any_ident)? == "stored";
                if stored {
                    any_ident(input)?;
                }
                let mut tokens = modifier.to_token_stream();
                tokens.extend([TokenTree::Group(group)]);
                value_tokens = Some(tokens);
                column.generated = Some(Generated {
                    expr: expr.value().into(),
                    stored,
                });
                generated = Some(modifier);
            }
            "stored" => {
                return Err(syn::Error::new_spanned(
                    modifier,
                    "`stored` says how a generated column keeps its values; it follows the expression: `generated(\"…\") stored`",
                ))
            }
            "virtual" => {
                return Err(syn::Error::new_spanned(
                    modifier,
                    "a generated column is virtual unless marked `stored`; remove `virtual`",
                ))
            }
            "not_null" => {
                return Err(syn::Error::new_spanned(
                    modifier,
                    "columns are NOT NULL unless marked `nullable`; remove `not_null`",
                ))
            }
            other => {
                let known = ["nullable", "identity", "default", "generated"];
                let hint = did_you_mean(other, &known)
                    .map(|known| format!("did you mean `{known}`? "))
                    .unwrap_or_default();
                return Err(syn::Error::new_spanned(
                    modifier,
                    format!("unknown column modifier `{other}`; {hint}expected one of: `nullable`, `identity`, `default(…)`, `generated(\"…\") [stored]`"),
                ));
            }
        }
    }
    if column.identity && column.default.is_some() {
        return Err(syn::Error::new_spanned(
            name,
            "an `identity` column takes its values from its sequence; remove `default(…)`",
        ));
    }
    if let Some(generated) = generated {
        if let Some(identity) = identity {
            return Err(syn::Error::new_spanned(
                identity,
                format!("a generated column takes its values from its expression, an `identity` column from a sequence: `{name}` cannot be both; remove `identity` or `{generated}(…)`"),
            ));
        }
        if let Some(default) = default {
            return Err(syn::Error::new_spanned(
                default,
                format!("a generated column is always its expression and is never written, so a default would never be used; remove `default(…)` from `{name}`"),
            ));
        }
    }
    Ok((column, value_tokens))
}

const GENERATED_EXPECTED: &str =
    "expected the expression as one string: `generated(\"price * quantity\")`";

/// The string literal of `generated("expr")`: one, and not blank.
fn generated_expr(modifier: &Ident, group: &proc_macro2::Group) -> syn::Result<LitStr> {
    let expr = syn::parse2::<LitStr>(group.stream()).map_err(|_| {
        let mut tokens = modifier.to_token_stream();
        tokens.extend([TokenTree::Group(group.clone())]);
        syn::Error::new_spanned(tokens, GENERATED_EXPECTED)
    })?;
    if expr.value().trim().is_empty() {
        return Err(syn::Error::new_spanned(
            &expr,
            "the expression of a generated column is empty; write the SQL that computes it",
        ));
    }
    Ok(expr)
}

/// A type token: `bigint`, `varchar(50)`, `numeric(10, 2)`, `enum(mood)`, `array(text)`.
pub(crate) fn column_type(input: ParseStream) -> syn::Result<ColumnType> {
    if input.peek(Ident) || input.peek(Token![enum]) {
        let word = any_ident(input)?;
        if word == "array" {
            let content;
            syn::parenthesized!(content in input);
            return match column_type(&content)? {
                ColumnType::Scalar(scalar) => Ok(ColumnType::Array(scalar)),
                ColumnType::Array(_) => Err(syn::Error::new_spanned(
                    word,
                    "arrays do not nest; PostgreSQL arrays are multi-dimensional already",
                )),
            };
        }
        return scalar(&word, input).map(ColumnType::Scalar);
    }
    Err(input.error(format!(
        "expected a column type, one of: {}",
        Scalar::KEYWORDS.join(", ")
    )))
}

fn scalar(word: &Ident, input: ParseStream) -> syn::Result<Scalar> {
    let name = word.to_string();
    let sized = |input: ParseStream| -> syn::Result<u32> {
        let content;
        syn::parenthesized!(content in input);
        let lit: syn::LitInt = content.parse()?;
        lit.base10_parse()
    };
    match name.as_str() {
        "varchar" | "char" if !input.peek(syn::token::Paren) => Err(syn::Error::new_spanned(
            word,
            format!("`{name}` needs a length: `{name}(n)`, or use `text`"),
        )),
        "varchar" => Ok(Scalar::Varchar(sized(input)?)),
        "char" => Ok(Scalar::Char(sized(input)?)),
        "numeric" if input.peek(syn::token::Paren) => {
            let content;
            syn::parenthesized!(content in input);
            let precision: syn::LitInt = content.parse()?;
            content.parse::<Token![,]>()?;
            let scale: syn::LitInt = content.parse()?;
            Ok(Scalar::Numeric(Some((
                precision.base10_parse()?,
                scale.base10_parse()?,
            ))))
        }
        "enum" => {
            let content;
            syn::parenthesized!(content in input);
            let name = any_ident(&content)?;
            Ok(Scalar::Enum(text(&name)))
        }
        _ => Scalar::from_keyword(&name).ok_or_else(|| {
            let words: Vec<&str> = Scalar::KEYWORDS
                .iter()
                .map(|keyword| keyword.split('(').next().unwrap_or(keyword))
                .collect();
            let hint = did_you_mean(&name, &words)
                .map(|known| format!("did you mean `{known}`? "))
                .unwrap_or_default();
            syn::Error::new_spanned(
                word,
                format!(
                    "unknown column type `{name}`; {hint}known types: {}",
                    Scalar::KEYWORDS.join(", ")
                ),
            )
        }),
    }
}

/// `true`, `42`, `-1.5`, `"text"`, `null`, `now()`, `sql("…")`.
pub(crate) fn default_value(input: ParseStream) -> syn::Result<DefaultValue> {
    if input.peek(syn::LitStr) {
        let lit: LitStr = input.parse()?;
        return Ok(DefaultValue::Str(lit.value().into()));
    }
    if input.peek(syn::LitBool) {
        let lit: syn::LitBool = input.parse()?;
        return Ok(DefaultValue::Bool(lit.value));
    }
    let negative = input.parse::<Option<Token![-]>>()?.is_some();
    let sign = if negative { "-" } else { "" };
    if input.peek(syn::LitInt) {
        let lit: syn::LitInt = input.parse()?;
        let value: i128 = lit.base10_parse()?;
        return Ok(DefaultValue::Int(format!("{sign}{value}").into()));
    }
    if input.peek(syn::LitFloat) {
        let lit: syn::LitFloat = input.parse()?;
        return Ok(DefaultValue::Float(
            format!("{sign}{}", lit.base10_digits()).into(),
        ));
    }
    if negative {
        return Err(input.error("expected a number after `-`"));
    }
    let word = any_ident(input)?;
    if word == "null" {
        return Ok(DefaultValue::Null);
    }
    if word == "current_date" && !input.peek(syn::token::Paren) {
        return Ok(DefaultValue::Function(SqlFunction::CurrentDate));
    }
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new_spanned(
            &word,
            format!("expected a default value: a literal, `null`, a function such as `now()`, or `sql(\"…\")`, not `{word}`"),
        ));
    }
    let content;
    let paren = syn::parenthesized!(content in input);
    if word == "sql" {
        let sql: LitStr = content.parse()?;
        return Ok(DefaultValue::Sql(sql.value().into()));
    }
    let function = SqlFunction::from_name(&word.to_string()).ok_or_else(|| {
        let names: Vec<&str> = SqlFunction::ALL.iter().map(|f| f.name()).collect();
        syn::Error::new_spanned(
            &word,
            format!(
                "unknown default function `{word}`; known: {}, or raw SQL with `sql(\"…\")`",
                names
                    .iter()
                    .map(|n| format!("`{n}()`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    if !content.is_empty() {
        return Err(syn::Error::new(
            paren.span.join(),
            format!("`{word}()` takes no arguments"),
        ));
    }
    Ok(DefaultValue::Function(function))
}

/// Whether the stream is a `{ … }` group, as the column list of `create_table`.
pub(crate) fn is_brace_group(tokens: &TokenStream) -> bool {
    let mut iter = tokens.clone().into_iter();
    matches!((iter.next(), iter.next()), (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::Brace)
}
