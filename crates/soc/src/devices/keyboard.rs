//! The keyboard interface device (C.3, chapter 8): scancodes from a script
//! with cycle timestamps become key-event packets to the bound core.

use std::collections::VecDeque;

use cml_isa::Packet;

use super::{answer_identify, core_from_payload, RejectedPackets};
use crate::endpoint::{packet_to, Outbox};
use crate::protocol::{keyboard, DeviceKind, IdentifyReply};
use crate::tile::TileId;

/// Bit 7 of a scancode: set on release ("high bit = release", C.3).
pub const RELEASE_BIT: u8 = 0x80;

/// The modifier keys, their scancodes (ASCII control codes a keyboard
/// never sends as characters) and their bits in the modifier state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// Scancode 0x01, state bit 0.
    Shift,
    /// Scancode 0x02, state bit 1.
    Control,
    /// Scancode 0x03, state bit 2.
    Alt,
    /// Scancode 0x04, state bit 3.
    Meta,
}

impl Modifier {
    /// The modifier a scancode (without the release bit) is, if any.
    pub fn from_scancode(code: u8) -> Option<Modifier> {
        match code {
            0x01 => Some(Modifier::Shift),
            0x02 => Some(Modifier::Control),
            0x03 => Some(Modifier::Alt),
            0x04 => Some(Modifier::Meta),
            _ => None,
        }
    }

    /// The modifier's scancode.
    pub fn scancode(self) -> u8 {
        match self {
            Modifier::Shift => 0x01,
            Modifier::Control => 0x02,
            Modifier::Alt => 0x03,
            Modifier::Meta => 0x04,
        }
    }

    /// The modifier's bit in the state word.
    pub fn bit(self) -> u8 {
        1 << (self.scancode() - 1)
    }
}

/// A scripted key event: a scancode at a cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyEvent {
    /// The cycle the key changes.
    pub at_cycle: u64,
    /// The scancode, bit 7 set on release.
    pub scancode: u8,
}

impl KeyEvent {
    /// A key press (`code` below 0x80; 'A' is 0x41, as in chapter 8).
    pub fn press(at_cycle: u64, code: u8) -> KeyEvent {
        KeyEvent {
            at_cycle,
            scancode: code & !RELEASE_BIT,
        }
    }

    /// A key release.
    pub fn release(at_cycle: u64, code: u8) -> KeyEvent {
        KeyEvent {
            at_cycle,
            scancode: code | RELEASE_BIT,
        }
    }
}

/// A keyboard interface device at tiles 0x18-0x1F.
#[derive(Clone, Debug)]
pub struct Keyboard {
    pub(crate) tile: TileId,
    pub(crate) outbox: Outbox,
    pub(crate) rejected: RejectedPackets,
    bound: Option<TileId>,
    script: VecDeque<KeyEvent>,
    held: VecDeque<u8>,
    modifiers: u8,
}

impl Keyboard {
    /// Keyboard interface `index` (0 to 7), at tile 0x18 + index, unbound,
    /// with no script.
    pub fn new(index: u8) -> Keyboard {
        Keyboard {
            tile: TileId::keyboard(index),
            outbox: Outbox::default(),
            rejected: RejectedPackets::default(),
            bound: None,
            script: VecDeque::new(),
            held: VecDeque::new(),
            modifiers: 0,
        }
    }

    /// Adds key events to the script. Events are taken in cycle order;
    /// events at the same cycle keep the order given.
    pub fn push_events(&mut self, events: &[KeyEvent]) {
        let mut all: Vec<KeyEvent> = self
            .script
            .drain(..)
            .chain(events.iter().copied())
            .collect();
        all.sort_by_key(|event| event.at_cycle);
        self.script = all.into();
    }

    /// The core key events go to.
    pub fn bound_core(&self) -> Option<TileId> {
        self.bound
    }

    /// The modifier state: bit 0 shift, 1 control, 2 alt, 3 meta.
    pub fn modifiers(&self) -> u8 {
        self.modifiers
    }

    /// The Identify payload: kind 0x02, version 1, capabilities bit 0
    /// release events, bit 1 modifier state.
    pub fn identify(&self) -> IdentifyReply {
        IdentifyReply {
            kind: DeviceKind::Keyboard,
            version: 1,
            capabilities: 0b11,
        }
    }

    /// The cycle of the next scripted event (held scancodes move only when
    /// a bind packet arrives).
    pub(crate) fn next_event(&self) -> Option<u64> {
        self.script.front().map(|event| event.at_cycle)
    }

    pub(crate) fn has_script(&self) -> bool {
        !self.script.is_empty() || (self.bound.is_some() && !self.held.is_empty())
    }

    pub(crate) fn handle(&mut self, packet: Packet) {
        if answer_identify(packet, self.identify(), &mut self.outbox) {
            return;
        }
        let source = TileId::from_packet_field(packet.source);
        match packet.op {
            keyboard::BIND => match core_from_payload(packet.payload) {
                Some(core) => {
                    self.bound = Some(core);
                    while let Some(scancode) = self.held.pop_front() {
                        self.outbox
                            .push(packet_to(core, keyboard::KEY_EVENT, u32::from(scancode)));
                    }
                }
                None => self.rejected.reject(packet),
            },
            keyboard::MODIFIERS => self.outbox.push(packet_to(
                source,
                keyboard::MODIFIERS,
                u32::from(self.modifiers),
            )),
            _ => self.rejected.reject(packet),
        }
    }

    /// Takes every scripted event whose cycle has come: updates the
    /// modifier state, and sends the event to the bound core (or holds it
    /// until a core binds).
    pub(crate) fn advance(&mut self, cycle: u64) {
        while self
            .script
            .front()
            .is_some_and(|event| event.at_cycle <= cycle)
        {
            let Some(event) = self.script.pop_front() else {
                break;
            };
            if let Some(modifier) = Modifier::from_scancode(event.scancode & !RELEASE_BIT) {
                if event.scancode & RELEASE_BIT != 0 {
                    self.modifiers &= !modifier.bit();
                } else {
                    self.modifiers |= modifier.bit();
                }
            }
            match self.bound {
                Some(core) => self.outbox.push(packet_to(
                    core,
                    keyboard::KEY_EVENT,
                    u32::from(event.scancode),
                )),
                None => self.held.push_back(event.scancode),
            }
        }
    }
}
