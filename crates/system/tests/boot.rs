//! The boot ROM: enumeration, the device map, default bindings, release of
//! the secondary cores, and the program's entry. Expected values come from
//! C.2 (tile IDs), C.6 and docs/soc-decisions.md (Identify payloads).

use cml_asm::{assemble, AssembleOptions};
use cml_soc::protocol::DeviceKind;
use cml_soc::TileId;
use cml_system::{HostInputs, System, SystemConfig, SystemOutcome};

fn system(source: &str, cores: u8) -> System {
    let image = assemble(source, &AssembleOptions::default())
        .expect("assembles")
        .image;
    let config = SystemConfig {
        cores,
        ..SystemConfig::default()
    };
    System::new(&config, &image, HostInputs::default()).expect("builds")
}

#[test]
fn chapter_9_prints_a_after_the_rom_on_one_core() {
    let mut system = system("LI v0, 0x41\nPERF family=2, op=0, v0\nHALT\n", 1);
    assert_eq!(system.run(200_000), SystemOutcome::Halted);
    assert_eq!(system.take_console_output(), b"A");
    let report = &system.core_reports()[0];
    // The program's own figures, as a bare run counts them: 3 instructions.
    assert_eq!(report.program.instructions, 3);
    assert_eq!(report.program.performs_remote, 1);
    assert!(report.boot_cycles.is_some());
}

#[test]
fn the_device_map_matches_the_standard_placement() {
    let mut system = system("HALT\n", 4);
    assert_eq!(system.run(500_000), SystemOutcome::Halted);
    let map = system.device_map();
    let tiles: Vec<u8> = map.iter().map(|(tile, _)| tile.id()).collect();
    // Four cores, UART 0x10, KID 0x18, timer 0x20, disk 0x28, NIC 0x30; no other tile.
    assert_eq!(
        tiles,
        vec![0x00, 0x01, 0x02, 0x03, 0x10, 0x18, 0x20, 0x28, 0x30]
    );
    let kinds: Vec<DeviceKind> = map.iter().map(|(_, reply)| reply.kind).collect();
    use DeviceKind::*;
    assert_eq!(
        kinds,
        vec![
            Core,
            Core,
            Core,
            Core,
            Uart,
            Keyboard,
            Timer,
            Disk,
            NetworkInterface
        ]
    );
    // Capabilities (C.6, soc-decisions): UART 0x0007, KID 0x0003, timer 0x0003,
    // an empty writable disk of 512-byte sectors 0x0903, NIC 0x0003; every version 1.
    let caps: Vec<u16> = map[4..]
        .iter()
        .map(|(_, reply)| reply.capabilities)
        .collect();
    assert_eq!(caps, vec![0x0007, 0x0003, 0x0003, 0x0903, 0x0003]);
    assert!(map.iter().all(|(_, reply)| reply.version == 1));
    // Core replies carry the core's ID in the low byte (core 0 wrote its own entry).
    assert_eq!(map[2].1.capabilities & 0xFF, 2);
    let _ = TileId::core(0);
}

#[test]
fn every_core_enters_the_program_with_its_id_in_v0() {
    let mut idle = system("HALT\n", 2);
    assert_eq!(idle.run(500_000), SystemOutcome::Halted);
    for core in 0..2u8 {
        let registers = idle.core(core).unwrap().registers();
        assert_eq!(registers[0], cml_machine::Value::int(core as u16));
        assert!(registers[1..]
            .iter()
            .all(|&value| value == cml_machine::Value::int(0)));
    }

    // Each core stores v0 (its ID) and the core count (the ROM's parameter
    // block, 0xFF81) at 0x40 + 2 * id, and checks v1-v7 are INT 0.
    let source = "
        LI v1, 0x81
        LIH v1, 0xFF
        SETTAG v1, PTR
        LD v1, v1, 0
        LI v2, 1
        SHL v3, v0, v2
        LI v2, 0x40
        ADD v3, v3, v2
        SETTAG v3, PTR
        ST v0, v3, 0
        ST v1, v3, 1
        HALT
    ";
    let mut system = system(source, 4);
    assert_eq!(system.run(500_000), SystemOutcome::Halted);
    for core in 0..4u16 {
        assert_eq!(system.read(0x40 + 2 * core), core, "core {core}'s ID");
        assert_eq!(system.read(0x41 + 2 * core), 4, "core {core}'s count");
    }
}

#[test]
fn placed_but_silent_tiles_time_out_and_missing_devices_are_absent() {
    use cml_soc::devices::{Timer, Uart};
    use cml_soc::{Device, MeshConfig, Placement, Soc};
    // Core 0, UART 0, timer 0, and tile 0x38 placed with nothing attached;
    // no keyboard, disk or NIC.
    let tiles = [
        TileId::core(0),
        TileId::uart(0),
        TileId::timer(0),
        TileId::new(0x38).unwrap(),
    ];
    let mut soc = Soc::new(
        MeshConfig::default(),
        Placement::row_major(2, 2, &tiles).unwrap(),
    )
    .unwrap();
    soc.attach_device(Device::Uart(Uart::new(0))).unwrap();
    soc.attach_device(Device::Timer(Timer::new(0))).unwrap();
    let image = assemble("HALT\n", &AssembleOptions::default())
        .unwrap()
        .image;
    let mut system = System::with_soc(&SystemConfig::default(), &image, soc).unwrap();
    assert_eq!(system.run(500_000), SystemOutcome::Halted);
    let tiles: Vec<u8> = system
        .device_map()
        .iter()
        .map(|(tile, _)| tile.id())
        .collect();
    assert_eq!(tiles, vec![0x00, 0x10, 0x20]);
    // The keyboard family is left unbound: (3, 2) is Unhandled (0), while
    // (2, 0) is Remote(0x10, 0x01) = 0x2010_0010.
    let etb = system.layout().memory_map(0).effect_table_base;
    assert_eq!(system.read(etb + 2 * 0x32), 0);
    assert_eq!(system.read(etb + 2 * 0x20), 0x2010);
    assert_eq!(system.read(etb + 2 * 0x20 + 1), 0x0010);
}

#[test]
fn a_store_into_the_boot_rom_faults_and_changes_nothing() {
    // ST to 0xFE10 (a ROM word) under a fault handler that records the
    // fault code and the faulting pc (payload word 1 of the continuation).
    let source = "
        INST 15, 0, +1
        JMP main
        JMP fault
main:
        LI v2, 0x10
        LIH v2, 0xFE
        SETTAG v2, PTR
        LI v3, 0x55
        ST v3, v2, 0
        HALT
fault:
        LI v4, 0x80
        LIH v4, 0
        SETTAG v4, PTR
        ST v0, v4, 0
        LD v5, v1, 1
        ST v5, v4, 1
        HALT
        .org 0x80
        .zero 4
    ";
    let mut system = system(source, 1);
    let before = system.read(0xFE10);
    assert_eq!(system.run(500_000), SystemOutcome::Halted);
    assert_eq!(system.read(0xFE10), before, "the ROM word never changed");
    assert_eq!(system.read(0x80), 19, "RomWrite's fault code");
    assert_eq!(system.read(0x81), 7, "the ST at 7 did not retire");
}

#[test]
fn a_call_with_sp_inside_the_rom_faults_before_changing_a_register() {
    // sp = 0xFE80: CALL's frame would be 0xFE7D..0xFE7F. The CALL (at 6)
    // faults RomWrite at the frame's first word and does not retire: v0
    // keeps 7 (CALL would set it to v1), v6 keeps the ROM's INT 0 (CALL
    // would set it to the closure), sp stays 0xFE80.
    let source = "
        LI v1, 0x80
        LIH v1, 0xFE
        CSRW v1, SP
        ALLOC v5, CLOSURE_REC, 1
        SETTAG v5, CLOSURE
        LI v0, 7
        CALL v5, v1
        HALT
    ";
    let mut system = system(source, 1);
    match system.run(500_000) {
        SystemOutcome::Trapped { core: 0, report } => {
            assert_eq!(
                report.fault,
                cml_machine::Fault::RomWrite { address: 0xFE7D }
            );
            assert_eq!(report.pc, 6);
            assert_eq!(report.sp, 0xFE80);
            assert_eq!(report.registers[0], cml_machine::Value::int(7));
            assert_eq!(report.registers[6], cml_machine::Value::int(0));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unhandled_rom_write_stops_the_core_with_a_report() {
    let source = "LI v2, 0\nLIH v2, 0xFF\nSETTAG v2, PTR\nST v2, v2, 0\nHALT\n";
    let mut system = system(source, 1);
    match system.run(500_000) {
        SystemOutcome::Trapped { core: 0, report } => {
            assert_eq!(
                report.fault,
                cml_machine::Fault::RomWrite { address: 0xFF00 }
            );
            assert_eq!(report.pc, 3);
        }
        other => panic!("{other:?}"),
    }
}
