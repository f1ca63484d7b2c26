//! The mesh: XY paths and their timing, ordering, backpressure, overflow,
//! determinism. Expected values are derived by hand from Appendix C and the
//! timing rule of `mesh.rs` (a packet may leave a router `hop_latency`
//! cycles after it entered it, so a packet sent at cycle 0 over `d` hops is
//! delivered at cycle `(d + 1) * hop_latency` when nothing is in its way).

use cml_isa::Packet;
use cml_soc::{
    Direction, Mailbox, Mesh, MeshConfig, Movement, Placement, Position, SendError, SendResult,
    Soc, TileId,
};

fn packet(source: TileId, destination: TileId, op: u8, payload: u32) -> Packet {
    Packet {
        destination: destination.id(),
        source: source.id(),
        op,
        flags: 0,
        payload,
    }
}

fn traced(config: MeshConfig) -> MeshConfig {
    MeshConfig {
        trace: true,
        ..config
    }
}

#[test]
fn a_packet_follows_the_xy_path_with_the_per_hop_latency() {
    let core = TileId::core(0);
    let uart = TileId::uart(0);
    let mut placement = Placement::new(4, 4).unwrap();
    placement.place(core, Position::new(0, 0)).unwrap();
    placement.place(uart, Position::new(3, 2)).unwrap();
    let config = traced(MeshConfig {
        hop_latency: 3,
        ..MeshConfig::default()
    });
    let mut mesh = Mesh::new(config, placement).unwrap();
    let sent = packet(core, uart, 0x01, 0x41);
    assert_eq!(mesh.send(sent), Ok(SendResult::Accepted));
    for _ in 0..30 {
        mesh.step();
    }
    let trace: Vec<(u64, Position, Movement)> = mesh
        .take_trace()
        .into_iter()
        .map(|record| (record.cycle, record.position, record.movement))
        .collect();
    // X first (three hops east along row 0), then Y (two hops south), each
    // three cycles after the last; delivery at (5 + 1) * 3 = 18.
    let expected = vec![
        (0, Position::new(0, 0), Movement::Injected),
        (3, Position::new(0, 0), Movement::Hop(Direction::East)),
        (6, Position::new(1, 0), Movement::Hop(Direction::East)),
        (9, Position::new(2, 0), Movement::Hop(Direction::East)),
        (12, Position::new(3, 0), Movement::Hop(Direction::South)),
        (15, Position::new(3, 1), Movement::Hop(Direction::South)),
        (18, Position::new(3, 2), Movement::Delivered),
    ];
    assert_eq!(trace, expected);
    assert_eq!(mesh.receive(uart), Some(sent));
    assert_eq!(
        mesh.stats()
            .link_count(Position::new(2, 0), Direction::East),
        1
    );
    assert_eq!(
        mesh.stats()
            .link_count(Position::new(3, 1), Direction::South),
        1
    );
    assert_eq!(
        mesh.stats()
            .link_count(Position::new(3, 2), Direction::South),
        0
    );
}

#[test]
fn a_packet_going_west_and_north_also_moves_along_x_first() {
    let from = TileId::core(3);
    let to = TileId::core(1);
    let mut placement = Placement::new(4, 4).unwrap();
    placement.place(from, Position::new(3, 3)).unwrap();
    placement.place(to, Position::new(1, 0)).unwrap();
    let mut mesh = Mesh::new(traced(MeshConfig::default()), placement).unwrap();
    let _ = mesh.send(packet(from, to, 0x04, 7)).unwrap();
    for _ in 0..10 {
        mesh.step();
    }
    let hops: Vec<(u64, Position, Movement)> = mesh
        .take_trace()
        .into_iter()
        .map(|record| (record.cycle, record.position, record.movement))
        .collect();
    let expected = vec![
        (0, Position::new(3, 3), Movement::Injected),
        (1, Position::new(3, 3), Movement::Hop(Direction::West)),
        (2, Position::new(2, 3), Movement::Hop(Direction::West)),
        (3, Position::new(1, 3), Movement::Hop(Direction::North)),
        (4, Position::new(1, 2), Movement::Hop(Direction::North)),
        (5, Position::new(1, 1), Movement::Hop(Direction::North)),
        (6, Position::new(1, 0), Movement::Delivered),
    ];
    assert_eq!(hops, expected);
}

/// A 4x4 grid with A at (0,0), B at (3,3) and C at (3,0).
fn three_tile_soc(config: MeshConfig) -> Soc {
    let mut placement = Placement::new(4, 4).unwrap();
    placement
        .place(TileId::core(0), Position::new(0, 0))
        .unwrap();
    placement
        .place(TileId::core(1), Position::new(3, 3))
        .unwrap();
    placement
        .place(TileId::core(2), Position::new(3, 0))
        .unwrap();
    Soc::new(config, placement).unwrap()
}

fn payloads_from(mailbox: &Mailbox, source: TileId) -> Vec<u32> {
    mailbox
        .received()
        .iter()
        .filter(|received| received.packet.source == source.id())
        .map(|received| received.packet.payload)
        .collect()
}

#[test]
fn a_thousand_packets_from_a_to_b_arrive_in_order() {
    // Small buffers, so that the sender is refused often on the way.
    let config = MeshConfig {
        router_buffer_depth: 1,
        injection_queue_depth: 2,
        endpoint_fifo_depth: 2,
        ..MeshConfig::default()
    };
    let mut soc = three_tile_soc(config);
    let (a, b) = (TileId::core(0), TileId::core(1));
    let mut sender = Mailbox::new(a);
    for sequence in 0..1000 {
        sender.send_at(0, b, 0x04, sequence);
    }
    let mut receiver = Mailbox::new(b);
    receiver.set_drain_from(Some(500));
    let mut endpoints = [sender, receiver];
    assert!(soc.run_until_quiet_with(&mut endpoints, 20_000));
    let [sender, receiver] = &endpoints;
    assert_eq!(payloads_from(receiver, a), (0..1000).collect::<Vec<u32>>());
    assert!(
        sender.stalled_cycles() > 0,
        "the receiver started late: the sender must have stalled"
    );
    assert_eq!(soc.mesh().stats().tile(a).injected, 1000);
    assert_eq!(soc.mesh().stats().tile(b).delivered, 1000);
    assert_eq!(soc.mesh().stats().dropped(), 0);
}

#[test]
fn streams_from_a_and_c_to_b_interleave_and_each_stays_ordered() {
    let config = MeshConfig {
        endpoint_fifo_depth: 4,
        ..MeshConfig::default()
    };
    let mut soc = three_tile_soc(config);
    let (a, b, c) = (TileId::core(0), TileId::core(1), TileId::core(2));
    let mut from_a = Mailbox::new(a);
    let mut from_c = Mailbox::new(c);
    for sequence in 0..300 {
        from_a.send_at(0, b, 0x04, sequence);
        from_c.send_at(0, b, 0x04, 1000 + sequence);
    }
    let receiver = Mailbox::new(b);
    let mut endpoints = [from_a, receiver, from_c];
    assert!(soc.run_until_quiet_with(&mut endpoints, 10_000));
    let receiver = &endpoints[1];
    assert_eq!(payloads_from(receiver, a), (0..300).collect::<Vec<u32>>());
    assert_eq!(
        payloads_from(receiver, c),
        (1000..1300).collect::<Vec<u32>>()
    );
    let sources: Vec<u8> = receiver
        .received()
        .iter()
        .map(|received| received.packet.source)
        .collect();
    let switches = sources.windows(2).filter(|pair| pair[0] != pair[1]).count();
    assert!(
        switches > 100,
        "the two streams should interleave, switched {switches} times"
    );
}

/// A at (0,0) and B at (1,0); every buffer holds one packet; the overflow
/// threshold is 10 cycles; B does not drain until cycle 20.
///
/// By hand: A sends p0 at cycle 0, it hops at 1 and is delivered at 2,
/// filling B's FIFO. p1 (sent at 2) hops at 3 and finds the FIFO full at 4;
/// it is still full at 4 + 10 = 14, so p1 is dropped then. p2 (sent at 4)
/// could not hop while p1 sat in B's west buffer; it hops at 15 and waits
/// from 16. A's sends are refused at cycles 1, 3, 5-15 and 17-19: 16 stalls
/// by cycle 19. From cycle 20 B drains and everything else arrives.
#[test]
fn a_receiver_that_never_drains_stalls_the_sender_and_then_one_packet_is_dropped() {
    let config = MeshConfig {
        router_buffer_depth: 1,
        injection_queue_depth: 1,
        endpoint_fifo_depth: 1,
        overflow_threshold: 10,
        ..MeshConfig::default()
    };
    let (a, b) = (TileId::core(0), TileId::core(1));
    let placement = Placement::row_major(2, 1, &[a, b]).unwrap();
    let mut soc = Soc::new(config, placement).unwrap();
    let mut sender = Mailbox::new(a);
    for sequence in 0..6 {
        sender.send_at(0, b, 0x04, sequence);
    }
    let mut receiver = Mailbox::new(b);
    receiver.set_drain_from(Some(20));
    let mut endpoints = [sender, receiver];
    for _ in 0..20 {
        soc.step_with(&mut endpoints);
    }
    let overflows = soc.take_overflows();
    assert_eq!(overflows.len(), 1);
    assert_eq!(overflows[0].cycle, 14);
    assert_eq!(overflows[0].waited, 10);
    assert_eq!(overflows[0].packet.payload, 1);
    assert_eq!(overflows[0].sender(), a);
    assert_eq!(endpoints[0].stalled_cycles(), 16);
    let accepted: Vec<u64> = endpoints[0]
        .sent()
        .iter()
        .map(|(cycle, _)| *cycle)
        .collect();
    assert_eq!(accepted, vec![0, 2, 4, 16]);

    assert!(soc.run_until_quiet_with(&mut endpoints, 1_000));
    assert!(soc.take_overflows().is_empty());
    assert_eq!(payloads_from(&endpoints[1], a), vec![0, 2, 3, 4, 5]);
    assert_eq!(soc.mesh().stats().tile(b).dropped, 1);
}

#[test]
fn a_full_injection_queue_refuses_the_send() {
    let (a, b) = (TileId::core(0), TileId::core(1));
    let placement = Placement::row_major(2, 1, &[a, b]).unwrap();
    let config = MeshConfig {
        injection_queue_depth: 2,
        ..MeshConfig::default()
    };
    let mut mesh = Mesh::new(config, placement).unwrap();
    assert_eq!(mesh.send(packet(a, b, 4, 0)), Ok(SendResult::Accepted));
    assert_eq!(mesh.send(packet(a, b, 4, 1)), Ok(SendResult::Accepted));
    assert!(!mesh.can_send(a));
    assert_eq!(mesh.send(packet(a, b, 4, 2)), Ok(SendResult::Stalled));
    mesh.step();
    mesh.step();
    assert_eq!(mesh.send(packet(a, b, 4, 2)), Ok(SendResult::Accepted));
    assert_eq!(mesh.stats().tile(a).refused, 1);
}

#[test]
fn a_packet_to_or_from_a_tile_that_is_not_there_is_an_error() {
    let (a, b) = (TileId::core(0), TileId::core(1));
    let placement = Placement::row_major(2, 1, &[a, b]).unwrap();
    let mut mesh = Mesh::new(MeshConfig::default(), placement).unwrap();
    let missing = TileId::disk(3);
    assert_eq!(
        mesh.send(packet(a, missing, 1, 0)),
        Err(SendError::NoTileAtDestination {
            destination: missing
        })
    );
    assert_eq!(
        mesh.send(packet(missing, a, 1, 0)),
        Err(SendError::NoTileAtSource { source: missing })
    );
    assert_eq!(mesh.receive(missing), None);
    // Six-bit fields: 0x7F names tile 0x3F, which is not placed either.
    let wide = Packet {
        destination: 0x7F,
        ..packet(a, b, 1, 0)
    };
    assert!(mesh.send(wide).is_err());
}

#[test]
fn bad_configurations_and_placements_are_errors() {
    use cml_soc::{ConfigError, PlacementError};
    let placement = Placement::new(2, 2).unwrap();
    let zero_latency = MeshConfig {
        hop_latency: 0,
        ..MeshConfig::default()
    };
    assert_eq!(
        Mesh::new(zero_latency, placement.clone()).err(),
        Some(ConfigError::ZeroHopLatency)
    );
    let zero_fifo = MeshConfig {
        endpoint_fifo_depth: 0,
        ..MeshConfig::default()
    };
    assert!(matches!(
        Mesh::new(zero_fifo, placement).err(),
        Some(ConfigError::ZeroDepth { .. })
    ));
    assert!(matches!(
        Placement::new(0, 3),
        Err(PlacementError::GridSizeOutOfRange { .. })
    ));
    assert!(matches!(
        TileId::new(0x40),
        Err(PlacementError::TileIdOutOfRange { id: 0x40 })
    ));
    let mut grid = Placement::new(2, 2).unwrap();
    grid.place(TileId::core(0), Position::new(0, 0)).unwrap();
    assert!(matches!(
        grid.place(TileId::core(1), Position::new(0, 0)),
        Err(PlacementError::PositionTaken { .. })
    ));
    assert!(matches!(
        grid.place(TileId::core(0), Position::new(1, 1)),
        Err(PlacementError::TilePlacedTwice { .. })
    ));
    assert!(matches!(
        grid.place(TileId::core(2), Position::new(2, 0)),
        Err(PlacementError::PositionOutsideGrid { .. })
    ));
    assert!(matches!(
        Placement::standard(9),
        Err(PlacementError::CoreCountOutOfRange { cores: 9 })
    ));
}

#[test]
fn the_standard_placement_is_a_printable_map() {
    let placement = Placement::standard(4).unwrap();
    assert_eq!((placement.width(), placement.height()), (3, 3));
    assert_eq!(
        placement.position_of(TileId::uart(0)),
        Some(Position::new(1, 1))
    );
    let expected = "\
mesh 3x3 (x grows east, y grows south)
      x=0          x=1          x=2
y=0   0x00 core0   0x01 core1   0x02 core2
y=1   0x03 core3   0x10 uart0   0x18 kid0
y=2   0x20 timer0  0x28 disk0   0x30 nic0
";
    assert_eq!(placement.render_map(), expected);
    let one_core = Placement::standard(1).unwrap();
    assert_eq!((one_core.width(), one_core.height()), (3, 2));
    let eight_cores = Placement::standard(8).unwrap();
    assert_eq!((eight_cores.width(), eight_cores.height()), (4, 4));
    assert!(eight_cores.render_map().contains("."));
}

/// Runs the same busy script and returns the hop trace as text.
fn busy_run() -> Vec<String> {
    let config = MeshConfig {
        trace: true,
        router_buffer_depth: 2,
        endpoint_fifo_depth: 2,
        ..MeshConfig::default()
    };
    let mut soc = Soc::standard(4, config).unwrap();
    let mut cores: Vec<Mailbox> = (0..4)
        .map(|index| Mailbox::new(TileId::core(index)))
        .collect();
    for (index, core) in cores.iter_mut().enumerate() {
        for sequence in 0..40u32 {
            let target = TileId::core(((index as u32 + 1 + sequence) % 4) as u8);
            core.send_at(u64::from(sequence), target, 0x04, sequence);
        }
        core.send_at(3, TileId::uart(0), 0x01, u32::from(b'a') + index as u32);
        core.send_at(5, TileId::timer(0), 0x0F, 0);
    }
    assert!(soc.run_until_quiet_with(&mut cores, 10_000));
    soc.mesh_mut()
        .take_trace()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_same_script_gives_the_same_hop_trace() {
    let first = busy_run();
    let second = busy_run();
    assert!(first.len() > 500);
    assert_eq!(first, second);
    assert!(first
        .iter()
        .any(|line| line.contains("uart0 op 0x1 transmit byte")));
    assert!(first.iter().any(|line| line.contains("identify reply")));
}
