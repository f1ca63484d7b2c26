//! The book's end-to-end traces on the multicore system: chapter 8's
//! keypress, chapter 9's UART send, timer preemption (chapter 11),
//! determinism, backpressure and overflow at the core level, compare-and-
//! swap under contention, and IPC between four cores. Every expected value
//! is derived from the spec (packet layouts from §13 and
//! docs/soc-decisions.md, tile IDs from C.2), not copied from a run.

use cml_asm::{assemble, AssembleOptions};
use cml_image::Image;
use cml_isa::Packet;
use cml_machine::Value;
use cml_soc::devices::{Disk, KeyEvent, Keyboard, NetworkInterface, Timer, Uart};
use cml_soc::{Device, MeshConfig, Movement, Placement, Soc, TileId};
use cml_system::{HostInputs, System, SystemConfig, SystemOutcome};

fn image(source: &str) -> Image {
    match assemble(source, &AssembleOptions::default()) {
        Ok(assembled) => assembled.image,
        Err(errors) => panic!("{errors:?}"),
    }
}

fn system(source: &str, cores: u8, inputs: HostInputs) -> System {
    let config = SystemConfig {
        cores,
        ..SystemConfig::default()
    };
    System::new(&config, &image(source), inputs).expect("builds")
}

/// Chapter 8: the kernel binds the KID to core 0 and installs a handler
/// for (0xF, 0x01); the key 'A' arrives as that effect with payload 0x41.
/// The handler prints the byte and records v0, v2 (the source tile) and
/// v7 (the op) at 0x80.
const KEYPRESS: &str = "
        BZ v0, boot
        HALT
boot:
        INST 15, 1, +1
        JMP main
        JMP key
main:
        LI v0, 0
        PERF family=3, op=2, v0     ; bind the KID to core 0 (default binding)
wait:
        HALT
        JMP wait
key:
        PERF family=2, op=0, v0     ; print the byte
        LI v4, 0x80
        LIH v4, 0
        SETTAG v4, PTR
        ST v0, v4, 0
        ST v2, v4, 1
        ST v7, v4, 2
        HALT
        .org 0x80
        .zero 0x80
";

#[test]
fn chapter_8_a_key_reaches_core_0_as_0xf_0x01_with_payload_0x41() {
    let inputs = HostInputs {
        keys: vec![KeyEvent::press(10, 0x41)],
        ..HostInputs::default()
    };
    let mut system = system(KEYPRESS, 4, inputs);
    system.set_tracing(true);
    assert_eq!(system.run(1_000_000), SystemOutcome::Halted);
    assert_eq!(system.take_console_output(), b"A");
    assert_eq!(system.read(0x80), 0x41, "v0: the payload");
    assert_eq!(system.read(0x81), 0x18, "v2: the KID's tile (C.2)");
    assert_eq!(system.read(0x82), 0x01, "v7: the op, key event");
    // The packet of soc-decisions' table: dst 0x00, src 0x18, op 1,
    // payload 0x41 = 0x0181_0000_0004_1000, delivered to core 0.
    let trace = system.take_trace();
    let delivered = trace
        .iter()
        .find(|record| {
            record.movement == Movement::Delivered
                && record.packet.source == 0x18
                && record.packet.op == 1
        })
        .expect("the key event is delivered");
    assert_eq!(delivered.packet.encode(), 0x0181_0000_0004_1000);
    assert_eq!(delivered.tile, Some(TileId::core(0)));
    assert!(delivered.to_string().contains("key event"), "{delivered}");
}

#[test]
fn chapter_9_the_uart_send_leaves_as_the_packet_of_its_table() {
    let program = "BZ v0, +1\nHALT\nLI v0, 0x41\nPERF family=2, op=0, v0\nHALT\n";
    let mut system = system(program, 4, HostInputs::default());
    system.set_tracing(true);
    assert_eq!(system.run(1_000_000), SystemOutcome::Halted);
    assert_eq!(system.take_console_output(), b"A");
    let trace = system.take_trace();
    let sends: Vec<_> = trace
        .iter()
        .filter(|record| record.packet.encode() == 0x4001_0000_0004_1000)
        .collect();
    // Injected at core 0 (0,0), then hops to the UART at (1,1) in the 3x3
    // mesh: east once, south once (XY), then delivered.
    let movements: Vec<Movement> = sends.iter().map(|record| record.movement).collect();
    use cml_soc::Direction::{East, South};
    assert_eq!(
        movements,
        vec![
            Movement::Injected,
            Movement::Hop(East),
            Movement::Hop(South),
            Movement::Delivered
        ]
    );
    // One hop per cycle: inject at c, hops at c+1 and c+2, delivery at c+3.
    let cycles: Vec<u64> = sends.iter().map(|record| record.cycle).collect();
    assert_eq!(
        cycles,
        vec![cycles[0], cycles[0] + 1, cycles[0] + 2, cycles[0] + 3]
    );
}

/// A CPU-bound loop (no PERF) under a timer ticking every 300 cycles. The
/// tick handler counts ticks at 0x90, records the interrupted pc (word 1
/// of the continuation's payload) at 0xA0 + n, and resumes. The loop adds
/// 3 to v3 and 1 to v4, and v5 counts down from 2000; then the timer is
/// disabled and v2-v5 are stored at 0x84.
const PREEMPTED: &str = "
        INST 15, 3, +1
        JMP main
        JMP tick
main:
        LI v0, 0
        PERF family=4, op=4, v0     ; bind the timer to core 0
        LI v0, 44
        LIH v0, 1                   ; 300
        PERF family=4, op=1, v0     ; reload
        LI v0, 1
        PERF family=4, op=2, v0     ; enable
        LI v2, 3
        LI v3, 0
        LI v4, 0
        LI v5, 0xD0
        LIH v5, 0x07                ; 2000
        LI v6, 1
loop:
        ADD v3, v3, v2
        ADD v4, v4, v6
        SUB v5, v5, v6
        BZ v5, done
        JMP loop
done:
        LI v0, 0
        PERF family=4, op=2, v0     ; disable
        LI v0, 0x84
        LIH v0, 0
        SETTAG v0, PTR
        ST v2, v0, 0
        ST v3, v0, 1
        ST v4, v0, 2
        ST v5, v0, 3
        HALT
tick:
        LI v4, 0x90
        LIH v4, 0
        SETTAG v4, PTR
        LD v5, v4, 0
        LI v3, 1
        ADD v5, v5, v3
        ST v5, v4, 0
        LI v4, 0xA0
        LIH v4, 0
        ADD v4, v4, v5
        SETTAG v4, PTR
        LD v3, v1, 1
        ST v3, v4, 0
        RESU v1, v3
        .org 0x80
        .zero 0x80
";

#[test]
fn timer_ticks_interrupt_a_cpu_bound_loop_only_at_instruction_boundaries() {
    let mut system = system(PREEMPTED, 1, HostInputs::default());
    assert_eq!(system.run(2_000_000), SystemOutcome::Halted);
    // The loop's registers as if nothing had interrupted it.
    assert_eq!(system.read(0x84), 3, "v2");
    assert_eq!(system.read(0x85), 6000, "v3 = 3 * 2000");
    assert_eq!(system.read(0x86), 2000, "v4");
    assert_eq!(system.read(0x87), 0, "v5");
    // The loop runs 5 instructions per iteration, 10,000 cycles in all,
    // so a 300-cycle timer fires dozens of times inside it.
    let ticks = system.read(0x90);
    assert!(ticks >= 10, "{ticks} ticks");
    // Every tick interrupted an instruction boundary inside the program:
    // a saved pc is the address of one of its instructions.
    let image = image(PREEMPTED);
    let loop_start = image
        .symbols
        .iter()
        .find(|symbol| symbol.name == "loop")
        .unwrap()
        .address;
    let done = image
        .symbols
        .iter()
        .find(|symbol| symbol.name == "done")
        .unwrap()
        .address;
    let in_loop = (1..=ticks)
        .map(|n| system.read(0xA0 + n))
        .filter(|&pc| (loop_start..done).contains(&pc))
        .count();
    assert!(in_loop >= 10, "{in_loop} ticks inside the loop");
    let end = image.segments[0].end() as u16;
    assert!((1..=ticks).all(|n| system.read(0xA0 + n) < end));
}

#[test]
fn the_same_inputs_give_the_same_noc_trace() {
    let run = |seed: u64| {
        let inputs = HostInputs {
            keys: vec![KeyEvent::press(10, 0x41)],
            ..HostInputs::default()
        };
        let config = SystemConfig {
            cores: 4,
            seed,
            ..SystemConfig::default()
        };
        let mut system = System::new(&config, &image(KEYPRESS), inputs).unwrap();
        system.set_tracing(true);
        assert_eq!(system.run(1_000_000), SystemOutcome::Halted);
        system
            .take_trace()
            .iter()
            .map(|record| format!("{record}\n"))
            .collect::<String>()
    };
    let first = run(0);
    assert!(first.lines().count() > 50, "{first}");
    assert_eq!(first, run(0));
    assert_eq!(run(7), run(7));
}

/// Core 0 sends 60 packets to tile 0x38, which is placed but has nothing
/// attached: nobody drains its FIFO. The fault handler counts NocOverflow
/// faults (code 20) at 0x90 and resumes.
const FLOOD: &str = "
        INST 15, 0, +1
        JMP main
        JMP fault
main:
        CSRR v2, ETB
        LI v3, 0x10
        LIH v3, 1                   ; entry (8, 8) at ETB + 2 * 0x88
        ADD v2, v2, v3
        SETTAG v2, PTR
        LI v3, 0x10
        LIH v3, 0x20                ; Remote, op 1
        ST v3, v2, 0
        LI v3, 0x38
        ST v3, v2, 1
        LI v5, 60
        LI v6, 1
send:
        PERF family=8, op=8, v5
        SUB v5, v5, v6
        BZ v5, idle
        JMP send
idle:
        HALT
        JMP idle
fault:
        LI v4, 0x90
        LIH v4, 0
        SETTAG v4, PTR
        LD v5, v4, 0
        LI v3, 1
        ADD v5, v5, v3
        ST v5, v4, 0
        ST v0, v4, 1
        RESU v1, v0
        .org 0x80
        .zero 0x80
";

#[test]
fn a_receiver_that_never_drains_stalls_the_sender_then_overflows() {
    let config = SystemConfig {
        cores: 1,
        mesh: MeshConfig::default(),
        ..SystemConfig::default()
    };
    let tiles = [
        TileId::core(0),
        TileId::uart(0),
        TileId::keyboard(0),
        TileId::timer(0),
        TileId::disk(0),
        TileId::network_interface(0),
        TileId::new(0x38).unwrap(),
    ];
    let mut soc = Soc::new(config.mesh, Placement::row_major(3, 3, &tiles).unwrap()).unwrap();
    for device in [
        Device::Uart(Uart::new(0)),
        Device::Keyboard(Keyboard::new(0)),
        Device::Timer(Timer::new(0)),
        Device::Disk(Disk::new(0, Vec::new())),
        Device::NetworkInterface(NetworkInterface::new(0)),
    ] {
        soc.attach_device(device).unwrap();
    }
    let mut system = System::with_soc(&config, &image(FLOOD), soc).unwrap();
    assert_eq!(system.run(2_000_000), SystemOutcome::Halted);
    let report = &system.core_reports()[0];
    assert!(report.noc.stall_cycles > 0, "the sender stalled");
    assert_eq!(report.program.performs_remote, 60);
    // The ROM's Identify probes to the six other placed tiles come first.
    assert_eq!(report.noc.packets_sent, 66);
    // The path holds 40 (injection queue 16, two router buffers of 4 on
    // the way south, the FIFO's 16), so the sender stalled. 61 packets went
    // to 0x38 (the ROM's Identify probe, then the 60); the FIFO keeps 16,
    // the other 45 were dropped one by one, each raising NocOverflow (fault
    // code 20) on core 0.
    assert_eq!(system.soc().mesh().waiting(TileId::new(0x38).unwrap()), 16);
    let stats = system.mesh_stats();
    assert_eq!(stats.tile(TileId::new(0x38).unwrap()).dropped, 45);
    assert_eq!(report.noc.overflows_raised, 45);
    assert_eq!(system.read(0x90), 45, "the fault handler ran once per drop");
    assert_eq!(system.read(0x91), 20, "NocOverflow's fault code");
    // Nothing else was lost: every packet core 0 sent to 0x38 was either
    // delivered into its FIFO or dropped and reported.
    let counts = stats.tile(TileId::core(0));
    assert_eq!(counts.injected, 66);
    let target = stats.tile(TileId::new(0x38).unwrap());
    assert_eq!(target.delivered + target.dropped, 61);
    assert_eq!(target.delivered, 16, "16 stay in the FIFO");
}

/// Four cores each add 1 to the word at 0x90 500 times with
/// compare-and-swap; a lost update would leave less than 2000.
const CAS_COUNTER: &str = "
        LI v7, 0x90
        LIH v7, 0
        SETTAG v7, PTR
        LI v5, 0xF4
        LIH v5, 0x01                ; 500
        LI v6, 1
again:
        LD v4, v7, 0
        ADD v3, v4, v6
        CAS v4, v7, v3              ; if [v7] == v4 then [v7] <- v3; v4 <- stored
        BZ v4, again
        SUB v5, v5, v6
        BZ v5, done
        JMP again
done:
        HALT
        .org 0x80
        .zero 0x80
";

#[test]
fn compare_and_swap_loses_no_update_between_four_cores() {
    for seed in [0, 1, 2] {
        let config = SystemConfig {
            cores: 4,
            seed,
            ..SystemConfig::default()
        };
        let mut system = System::new(&config, &image(CAS_COUNTER), HostInputs::default()).unwrap();
        assert_eq!(system.run(5_000_000), SystemOutcome::Halted);
        assert_eq!(system.read(0x90), 2000, "seed {seed}");
        // Uncontended, a core runs 6 set-up instructions, 500 rounds of
        // LD, ADD, CAS, BZ, SUB, BZ, JMP less the last JMP, and HALT:
        // 3,506. Each failed CAS adds LD, ADD, CAS, BZ, so more means the
        // cores did contend (in lockstep, three of four CAS fail a round).
        let instructions: u64 = system
            .core_reports()
            .iter()
            .map(|report| report.program.instructions)
            .sum();
        assert!(instructions > 4 * 3_506, "seed {seed}: {instructions}");
    }
}

/// A plain load-add-store under the same interleaving does lose updates,
/// which is what the test above guards against.
#[test]
fn without_compare_and_swap_updates_are_lost() {
    let racy = "
        LI v7, 0x90
        LIH v7, 0
        SETTAG v7, PTR
        LI v5, 0xF4
        LIH v5, 0x01
        LI v6, 1
again:
        LD v2, v7, 0
        ADD v3, v2, v6
        ST v3, v7, 0
        SUB v5, v5, v6
        BZ v5, done
        JMP again
done:
        HALT
        .org 0x80
        .zero 0x80
";
    let config = SystemConfig {
        cores: 4,
        seed: 3,
        ..SystemConfig::default()
    };
    let mut system = System::new(&config, &image(racy), HostInputs::default()).unwrap();
    assert_eq!(system.run(5_000_000), SystemOutcome::Halted);
    assert!(system.read(0x90) < 2000, "{}", system.read(0x90));
}

/// Each core sends `count` IPC messages (payload = sequence number) to the
/// next core in a ring through (7, next) = Remote(next, 0x04), and counts
/// what it receives at 0x90 + core, with out-of-order arrivals at 0x98 +
/// core. It then waits until it has received `count`.
fn ipc_ring(count: u16) -> String {
    format!(
        "
        INST 15, 4, +1
        JMP main
        JMP message
main:
        LI v1, 0x81
        LIH v1, 0xFF
        SETTAG v1, PTR
        LD v1, v1, 0                ; the number of cores (ROM parameters)
        LI v6, 1
        ADD v2, v0, v6              ; next core = (id + 1) mod count of cores
        SUB v3, v2, v1
        BZ v3, wrap
        JMP index
wrap:
        LI v2, 0
index:
        LI v3, 0x90
        LIH v3, 0
        ADD v3, v3, v0
        SETTAG v3, PTR              ; v3: my received counter
        LI v4, 0x70
        LIH v4, 0
        ADD v2, v2, v4              ; (7, next) is effect index 0x70 + next
        CSRR v7, ETB
        ADD v7, v7, v2
        ADD v7, v7, v2
        SETTAG v7, PTR              ; entry (7, next); rebind (8, 0) to it
        LD v4, v7, 0
        LD v5, v7, 1
        CSRR v7, ETB
        LI v2, 0
        LIH v2, 1                   ; (8, 0) at ETB + 0x100
        ADD v7, v7, v2
        SETTAG v7, PTR
        ST v4, v7, 0
        ST v5, v7, 1
        LI v5, 0
        LI v4, {low}
        LIH v4, {high}
send:
        PERF family=8, op=0, v5
        ADD v5, v5, v6
        SUB v2, v5, v4
        BZ v2, drain
        JMP send
drain:
        LD v2, v3, 0
        SUB v2, v2, v4
        BZ v2, done
        HALT
        JMP drain
done:
        HALT
        JMP done
message:                            ; v0 = sequence number
        CSRR v4, CORE
        LI v5, 0x90
        LIH v5, 0
        ADD v5, v5, v4
        SETTAG v5, PTR
        LD v3, v5, 0
        SUB v2, v3, v0
        BZ v2, in_order
        LD v2, v5, 8
        LI v4, 1
        ADD v2, v2, v4
        ST v2, v5, 8
in_order:
        LI v4, 1
        ADD v3, v3, v4
        ST v3, v5, 0
        RESU v1, v0
        .org 0x80
        .zero 0x80
",
        low = count & 0xFF,
        high = count >> 8
    )
}

fn exchange(cores: u8, count: u16) {
    let mut system = system(&ipc_ring(count), cores, HostInputs::default());
    assert_eq!(system.run(u64::MAX), SystemOutcome::Halted);
    for core in 0..cores as u16 {
        assert_eq!(system.read(0x90 + core), count, "core {core} received");
        assert_eq!(system.read(0x98 + core), 0, "core {core} out of order");
    }
    let sent: u64 = system
        .core_reports()
        .iter()
        .map(|report| report.noc.packets_sent)
        .sum();
    assert!(sent >= u64::from(count) * u64::from(cores));
    assert_eq!(system.mesh_stats().dropped(), 0);
}

#[test]
fn four_cores_exchange_ten_thousand_ipc_messages_in_order() {
    exchange(4, 2_500);
}

/// The million of issue 5: four cores, five rounds of 4 x 50,000 messages
/// (the program counts in 16 bits). About 45 s: the machine and the
/// system-on-chip crates are built with optimisation even in test builds
/// (the root `Cargo.toml`'s profile overrides).
#[test]
fn four_cores_exchange_a_million_ipc_messages_with_none_lost() {
    for _ in 0..5 {
        exchange(4, 50_000);
    }
}

#[test]
fn packets_carry_the_sender_in_v2_for_any_tile() {
    // Direct check of the register convention with a hand-made packet.
    let mut machine = cml_machine::Machine::new(cml_isa::IsaVersion::V0_5);
    machine.join_mesh(1, u64::MAX);
    machine.set_effect_table_entry(
        cml_isa::EffectId::new(0xF, 4),
        cml_isa::EffectTableEntry::Local { handler_pc: 0x20 },
    );
    let packet = Packet {
        destination: 1,
        source: 3,
        op: 4,
        flags: 0,
        payload: 0x1234,
    };
    machine.deliver_packet(packet).unwrap();
    assert_eq!(machine.registers()[2], Value::int(3));
    assert_eq!(machine.registers()[0], Value::int(0x1234));
}
