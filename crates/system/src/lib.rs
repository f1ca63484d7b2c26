//! Cores on the mesh: the multicore system-on-chip of chapter 14 and
//! Appendix C, and the boot ROM of C.8.
//!
//! Input: an [`Image`](cml_image::Image), a [`SystemConfig`] (how many
//! cores, the mesh's timing, ROM or bare boot, the ISA, the engine, a seed
//! for the interleaving) and [`HostInputs`] (bytes for the UART, scripted
//! key events, a disk image, network frames, all in memory). Output: the
//! bytes the UART transmitted, a [`SystemOutcome`], each core's machine
//! state and figures ([`CoreReport`]), the mesh's statistics, the device
//! map the ROM built, and, when asked, a hop trace of every packet.
//!
//! Each core is a [`cml_machine::Machine`] with its own registers, CAM,
//! stack, heap region and core ID; they share one memory, lent to each in
//! turn ([`cml_machine::Machine::exchange_memory`]). `system.rs` steps them
//! and the system-on-chip in a fixed interleaving, one cycle at a time;
//! `layout.rs` is the memory map and assembles the boot ROM (`rom.s`) with
//! `cml-asm`; `host.rs` parses key scripts and pcap captures. This crate
//! must not touch files or terminals. Decisions are in
//! `docs/soc-decisions.md`.

#![forbid(unsafe_code)]

pub mod host;
pub mod layout;
mod system;

pub use system::{
    BootMode, CoreReport, HostInputs, System, SystemConfig, SystemError, SystemOutcome,
};
