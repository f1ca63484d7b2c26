//! Random traffic on a random mesh never loses or reorders a packet
//! between any source and destination (C.4), whatever the grid, the
//! placement, the latency and the buffer depths.

use std::collections::BTreeMap;

use cml_soc::{Mailbox, MeshConfig, Placement, Position, Soc, TileId};
use proptest::prelude::*;

/// Tile IDs to place: the eight cores, then eight more addresses (the
/// mailboxes do not care what C.2 calls them).
fn tile_ids() -> Vec<TileId> {
    (0..8)
        .map(TileId::core)
        .chain((0..8).map(TileId::uart))
        .collect()
}

#[derive(Clone, Debug)]
struct Scenario {
    width: u8,
    height: u8,
    /// A permutation of the grid positions; tile `i` goes to the `i`th.
    positions: Vec<usize>,
    tiles: usize,
    config: MeshConfig,
    /// (cycle, source index, destination index).
    traffic: Vec<(u64, usize, usize)>,
    drain_from: Vec<u64>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1u8..=5, 1u8..=5)
        .prop_flat_map(|(width, height)| {
            let cells = usize::from(width) * usize::from(height);
            let most = cells.min(16);
            (
                Just((width, height)),
                Just((0..cells).collect::<Vec<usize>>()).prop_shuffle(),
                (1usize..=most.max(1)),
                (1u32..=3, 1usize..=4, 1usize..=4, 1usize..=4),
            )
        })
        .prop_flat_map(
            |((width, height), positions, tiles, (latency, router, injection, fifo))| {
                (
                    Just((
                        width, height, positions, tiles, latency, router, injection, fifo,
                    )),
                    prop::collection::vec((0u64..60, 0..tiles, 0..tiles), 0..250),
                    prop::collection::vec(0u64..80, tiles),
                )
            },
        )
        .prop_map(
            |(
                (width, height, positions, tiles, latency, router, injection, fifo),
                traffic,
                drain_from,
            )| {
                Scenario {
                    width,
                    height,
                    positions,
                    tiles,
                    config: MeshConfig {
                        hop_latency: latency,
                        router_buffer_depth: router,
                        injection_queue_depth: injection,
                        endpoint_fifo_depth: fifo,
                        ..MeshConfig::default()
                    },
                    traffic,
                    drain_from,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_traffic_is_neither_lost_nor_reordered(scenario in scenario()) {
        let ids = tile_ids();
        let mut placement = Placement::new(scenario.width, scenario.height).unwrap();
        for (&tile, &cell) in ids.iter().zip(&scenario.positions).take(scenario.tiles) {
            let position = Position::new(
                (cell % usize::from(scenario.width)) as u8,
                (cell / usize::from(scenario.width)) as u8,
            );
            placement.place(tile, position).unwrap();
        }
        let mut soc = Soc::new(scenario.config, placement).unwrap();
        let mut mailboxes: Vec<Mailbox> = (0..scenario.tiles).map(|tile| Mailbox::new(ids[tile])).collect();
        for (tile, mailbox) in mailboxes.iter_mut().enumerate() {
            mailbox.set_drain_from(Some(scenario.drain_from[tile]));
        }
        let mut traffic = scenario.traffic.clone();
        traffic.sort_by_key(|&(cycle, _, _)| cycle);
        let mut expected: BTreeMap<(u8, u8), Vec<u32>> = BTreeMap::new();
        for (sequence, &(cycle, source, destination)) in traffic.iter().enumerate() {
            mailboxes[source].send_at(cycle, ids[destination], 0x04, sequence as u32);
            expected
                .entry((ids[source].id(), ids[destination].id()))
                .or_default()
                .push(sequence as u32);
        }
        prop_assert!(soc.run_until_quiet_with(&mut mailboxes, 200_000));
        prop_assert!(soc.take_overflows().is_empty());
        let mut arrived: BTreeMap<(u8, u8), Vec<u32>> = BTreeMap::new();
        for mailbox in &mailboxes {
            prop_assert_eq!(mailbox.errors(), 0);
            for received in mailbox.received() {
                prop_assert_eq!(received.packet.destination, mailbox_tile(mailbox));
                arrived
                    .entry((received.packet.source, received.packet.destination))
                    .or_default()
                    .push(received.packet.payload);
            }
        }
        prop_assert_eq!(arrived, expected);
    }
}

fn mailbox_tile(mailbox: &Mailbox) -> u8 {
    use cml_soc::Endpoint;
    mailbox.tile().id()
}
