//! `#[derive(FromJson)]` for structs with named fields: reads one from a `serde_json::Value`
//! with the rules (and the `#[serde(...)]` attributes) serde's derived `Deserialize` follows:
//! `rename_all` (camelCase, PascalCase), `rename`, `alias`, `default`, `deny_unknown_fields`;
//! a missing `Option` field is `None`, another missing field is an error. The generated code
//! calls the small non-generic helpers in `stevedore_sim::json`, which is why it is a fraction
//! of the size of serde's visitor code in the wasm (issue 13).

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields, LitStr, Type};

#[proc_macro_derive(FromJson, attributes(serde))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

#[derive(Default)]
struct Attrs {
    rename_all: Option<String>,
    rename: Option<String>,
    aliases: Vec<String>,
    default: bool,
    deny_unknown_fields: bool,
}

fn attrs(list: &[syn::Attribute]) -> syn::Result<Attrs> {
    let mut out = Attrs::default();
    for a in list.iter().filter(|a| a.path().is_ident("serde")) {
        a.parse_nested_meta(|m| {
            let value = |m: &syn::meta::ParseNestedMeta| -> syn::Result<String> { Ok(m.value()?.parse::<LitStr>()?.value()) };
            if m.path.is_ident("rename_all") {
                out.rename_all = Some(value(&m)?);
            } else if m.path.is_ident("rename") {
                out.rename = Some(value(&m)?);
            } else if m.path.is_ident("alias") {
                out.aliases.push(value(&m)?);
            } else if m.path.is_ident("default") {
                out.default = true;
            } else if m.path.is_ident("deny_unknown_fields") {
                out.deny_unknown_fields = true;
            } else {
                return Err(m.error("FromJson does not support this serde attribute"));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// serde's `rename_all` rules for the two styles the scenario uses.
fn renamed(field: &str, rule: Option<&str>) -> syn::Result<String> {
    let camel = |upper_first: bool| {
        let mut out = String::new();
        let mut upper = upper_first;
        for c in field.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    match rule {
        None => Ok(field.to_string()),
        Some("camelCase") => Ok(camel(false)),
        Some("PascalCase") => Ok(camel(true)),
        Some(other) => Err(syn::Error::new(proc_macro2::Span::call_site(), format!("FromJson: rename_all = {other:?} is not supported"))),
    }
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "FromJson derives only for structs; write enums' readers by hand"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(input, "FromJson needs named fields"));
    };
    let container = attrs(&input.attrs)?;
    let name = &input.ident;
    let expecting = format!("struct {name}");
    let (mut slots, mut arms, mut finish, mut names) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, f) in fields.named.iter().enumerate() {
        let ident = f.ident.as_ref().expect("named field");
        let a = attrs(&f.attrs)?;
        let key = match a.rename {
            Some(r) => r,
            None => renamed(&ident.to_string(), container.rename_all.as_deref())?,
        };
        let slot = quote::format_ident!("f{i}");
        let ty = &f.ty;
        let keys: Vec<String> = std::iter::once(key.clone()).chain(a.aliases.iter().cloned()).collect();
        slots.push(quote! { let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None; });
        arms.push(quote! { #(#keys)|* => #slot = ::core::option::Option::Some(crate::json::field(key, value)?), });
        finish.push(if is_option(ty) {
            quote! { #ident: #slot.flatten(), }
        } else if a.default || container.default {
            quote! { #ident: #slot.unwrap_or_default(), }
        } else {
            quote! { #ident: match #slot { ::core::option::Option::Some(v) => v, ::core::option::Option::None => return ::core::result::Result::Err(crate::json::missing(#key)) }, }
        });
        // serde lists a field's aliases among the expected names too.
        names.push(key);
        names.extend(a.aliases.iter().cloned());
    }
    let unknown = if container.deny_unknown_fields {
        quote! { _ => return ::core::result::Result::Err(crate::json::unknown_field(key, &[#(#names),*])), }
    } else {
        quote! { _ => {} }
    };
    let (imp, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #imp crate::json::FromJson for #name #ty_generics #where_clause {
            fn from_json(v: &::serde_json::Value) -> ::core::result::Result<Self, crate::json::JsonError> {
                let map = crate::json::object(v, #expecting)?;
                #(#slots)*
                for (key, value) in map {
                    match key.as_str() {
                        #(#arms)*
                        #unknown
                    }
                }
                ::core::result::Result::Ok(#name { #(#finish)* })
            }
        }
    })
}
