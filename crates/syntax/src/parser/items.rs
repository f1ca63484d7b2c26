//! (being written)
use super::Parser;
use crate::ast::Item;

impl Parser<'_> {
    pub(super) fn item(&mut self) -> Option<Item> {
        None
    }
}
