//! Board frame cost at growing row counts, and a search or filter keystroke over them.
//! Run: cargo bench --bench board

use carrierdesk::domain::{BoardRow, Currency, Filter, Status};
use carrierdesk::tui::screens::board::BoardScreen;
use carrierdesk::tui::shell::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

fn rows(n: usize) -> Vec<BoardRow> {
    let eur = Currency::parse("EUR").unwrap();
    (0..n)
        .map(|i| BoardRow {
            id: i as i64 + 1,
            name: format!("Customer {i:07} Telecom Ltd"),
            status: Status::ALL[i % 4],
            balance: (i as i64 * 7919) % 1_000_000 - 200_000,
            debit_limit: 50_000,
            currency: eur,
            channels: 100,
            channels_in_use: (i % 90) as u32,
            cps: 10,
            last_call: Some(1_795_000_000 - i as i64),
            attempts_24h: 500,
            connected_24h: 260,
            duration_24h: 31_000,
            tags: if i % 3 == 0 {
                vec!["wholesale".into(), "eu".into()]
            } else {
                vec!["retail".into()]
            },
            account_code: format!("AC{i:07}"),
        })
        .collect()
}

fn app_with(n: usize) -> App {
    let mut board = BoardScreen::default();
    board.board.set_rows(rows(n), true);
    board.board.move_to(n / 2);
    App::new(board)
}

fn board(app: &mut App) -> &mut carrierdesk::tui::screens::board::Board {
    &mut app.find_mut::<BoardScreen>().unwrap().board
}

/// One full frame of the board at 120x40, as the event loop draws it.
#[divan::bench(args = [100, 100_000, 1_000_000])]
fn board_frame(bencher: divan::Bencher, n: usize) {
    let mut app = app_with(n);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    bencher.bench_local(|| {
        terminal.draw(|f| app.draw(f)).unwrap();
    });
}

/// One keystroke in the live search: refilter every row in memory.
#[divan::bench(args = [100_000])]
fn search_keystroke(bencher: divan::Bencher, n: usize) {
    let mut app = app_with(n);
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        board(&mut app).set_search(if flip {
            "telecom 12".into()
        } else {
            "telecom 1".into()
        });
    });
}

/// One keystroke in the filter line: parse the whole line again and match every row.
#[divan::bench(args = [
    "status:active channels>=30 tag:wholesale currency:EUR balance<0",
    "name:telecom balance>=-1500.25 debit_limit=500 tag!=retail",
])]
fn filter_keystroke_100k(bencher: divan::Bencher, line: &str) {
    let rows = rows(100_000);
    bencher.bench_local(|| {
        let filter = Filter::parse(divan::black_box(line)).unwrap();
        rows.iter().filter(|r| filter.matches(r)).count()
    });
}
