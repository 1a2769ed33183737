//! The processes of a run and their connections: a host file of `host:port` lines, one per
//! process; each process listens on its own line's address, connects to the processes
//! before it and accepts the ones after it, all within a deadline, so that a missing peer
//! ends the run with an error naming it instead of a wait for ever. The streams count the
//! bytes they carry.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use timely::communication::allocator::zero_copy::stream::Stream;

use crate::Error;

/// What a connection says first, so that a stray client is not taken for a peer.
const MAGIC: u64 = 0x636f_7079_6465_736b;

/// The processes of a run, and which one this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// `host:port` of every process, in process order.
    pub addresses: Vec<String>,
}

impl Hosts {
    /// Reads a host file: one `host:port` per line; blank lines and `#` comments are left
    /// out.
    pub fn read(path: &Path) -> Result<Hosts, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::Hosts { path: path.display().to_string(), message: source.to_string() })?;
        Hosts::parse(&text).map_err(|message| Error::Hosts { path: path.display().to_string(), message })
    }

    /// Parses the lines of a host file.
    pub fn parse(text: &str) -> Result<Hosts, String> {
        let mut addresses = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let port = line.rsplit_once(':').and_then(|(host, port)| (!host.is_empty()).then_some(port));
            if port.and_then(|p| p.parse::<u16>().ok()).is_none() {
                return Err(format!("line {}: {line:?} is not host:port", number + 1));
            }
            if addresses.contains(&line.to_string()) {
                return Err(format!("line {}: {line} is listed twice", number + 1));
            }
            addresses.push(line.to_string());
        }
        if addresses.is_empty() {
            return Err("no host:port line".to_string());
        }
        Ok(Hosts { addresses })
    }
}

/// Bytes a process's connections carried, both ways.
#[derive(Debug, Default)]
pub struct Traffic {
    pub sent: AtomicU64,
    pub received: AtomicU64,
}

impl Traffic {
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }
}

/// A connection to a peer that counts what it carries.
pub struct Counted {
    stream: TcpStream,
    traffic: Arc<Traffic>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stream.read(buf)?;
        self.traffic.received.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.stream.write(buf)?;
        self.traffic.sent.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

impl Stream for Counted {
    fn try_clone(&self) -> io::Result<Self> {
        Ok(Counted { stream: self.stream.try_clone()?, traffic: Arc::clone(&self.traffic) })
    }

    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.stream.set_nonblocking(nonblocking)
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.stream.shutdown(how)
    }
}

/// Connects this process (`index`) to every other one of `hosts` within `timeout`: the
/// streams in process order, `None` at this process's place.
pub fn connect(
    hosts: &Hosts,
    index: usize,
    timeout: Duration,
    traffic: &Arc<Traffic>,
) -> Result<Vec<Option<Counted>>, Error> {
    let deadline = Instant::now() + timeout;
    let own = &hosts.addresses[index];
    let listener = TcpListener::bind(own.as_str())
        .map_err(|source| Error::Listen { address: own.clone(), message: source.to_string() })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| Error::Listen { address: own.clone(), message: source.to_string() })?;
    let mut streams: Vec<Option<TcpStream>> = (0..hosts.addresses.len()).map(|_| None).collect();

    // The processes before this one listen: connect to each, telling who this is.
    for (peer, address) in hosts.addresses.iter().enumerate().take(index) {
        let stream = loop {
            match dial(address, index) {
                Ok(stream) => break stream,
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
                Err(_) => return Err(missing(hosts, index, &streams, peer, timeout)),
            }
        };
        streams[peer] = Some(stream);
    }
    // The processes after this one connect to it.
    while streams.iter().enumerate().skip(index + 1).any(|(_, s)| s.is_none()) {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(peer) = greeting(&stream, hosts.addresses.len()).filter(|&p| p > index) {
                    streams[peer] = Some(stream);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(_) => {
                let first = (index + 1..hosts.addresses.len()).find(|&p| streams[p].is_none()).unwrap_or(index);
                return Err(missing(hosts, index, &streams, first, timeout));
            }
        }
    }
    Ok(streams.into_iter().map(|s| s.map(|stream| Counted { stream, traffic: Arc::clone(traffic) })).collect())
}

/// One attempt to connect to a peer and greet it.
fn dial(address: &str, index: usize) -> io::Result<TcpStream> {
    let target =
        address.to_socket_addrs()?.next().ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
    let mut stream = TcpStream::connect_timeout(&target, Duration::from_secs(1))?;
    stream.set_nodelay(true)?;
    stream.write_all(&MAGIC.to_le_bytes())?;
    stream.write_all(&(index as u64).to_le_bytes())?;
    Ok(stream)
}

/// The process index a connecting peer gives, when it greets as a peer does.
fn greeting(stream: &TcpStream, processes: usize) -> Option<usize> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.set_nodelay(true).ok()?;
    let mut bytes = [0u8; 16];
    (&*stream).read_exact(&mut bytes).ok()?;
    stream.set_read_timeout(None).ok()?;
    let magic = u64::from_le_bytes(bytes[..8].try_into().ok()?);
    let peer = usize::try_from(u64::from_le_bytes(bytes[8..].try_into().ok()?)).ok()?;
    (magic == MAGIC && peer < processes).then_some(peer)
}

/// The error for peers that did not connect in time, naming the first one and all.
fn missing(hosts: &Hosts, index: usize, streams: &[Option<TcpStream>], first: usize, timeout: Duration) -> Error {
    let absent: Vec<String> = (0..hosts.addresses.len())
        .filter(|&p| p != index && (p == first || streams[p].is_none()))
        .map(|p| format!("process {p} ({})", hosts.addresses[p]))
        .collect();
    Error::Connect { waited: timeout, absent }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_files_list_one_address_a_line() {
        let hosts = Hosts::parse("# three processes\n127.0.0.1:4001\n\n127.0.0.1:4002 # second\nlocalhost:4003\n")
            .expect("hosts");
        assert_eq!(hosts.addresses, ["127.0.0.1:4001", "127.0.0.1:4002", "localhost:4003"]);
        assert!(Hosts::parse("127.0.0.1\n").expect_err("no port").contains("line 1"));
        assert!(Hosts::parse("127.0.0.1:4001\n127.0.0.1:4001\n").expect_err("twice").contains("twice"));
        assert!(Hosts::parse("\n# nothing\n").is_err());
    }

    #[test]
    fn a_peer_that_never_comes_is_named_when_the_time_is_up() {
        let free = |()| TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").to_string();
        let hosts = Hosts { addresses: vec![free(()), free(())] };
        let started = Instant::now();
        let error = connect(&hosts, 0, Duration::from_millis(600), &Arc::default()).err().expect("no peer");
        assert!(started.elapsed() < Duration::from_secs(5));
        let message = error.to_string();
        assert!(message.contains("process 1") && message.contains(&hosts.addresses[1]), "{message}");
    }

    #[test]
    fn two_processes_connect_and_count_what_they_send() {
        let free = || TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").to_string();
        let hosts = Hosts { addresses: vec![free(), free()] };
        let other = hosts.clone();
        let later = std::thread::spawn(move || connect(&other, 1, Duration::from_secs(10), &Arc::default()));
        let traffic = Arc::<Traffic>::default();
        let mut mine = connect(&hosts, 0, Duration::from_secs(10), &traffic).expect("connected");
        let mut theirs = later.join().expect("thread").expect("connected");
        let (Some(to_one), Some(to_zero)) = (mine[1].as_mut(), theirs[0].as_mut()) else { panic!("streams") };
        to_one.write_all(b"hello").expect("write");
        let mut got = [0u8; 5];
        to_zero.read_exact(&mut got).expect("read");
        assert_eq!(&got, b"hello");
        assert_eq!(traffic.sent(), 5);
        assert!(mine[0].is_none() && theirs[1].is_none());
    }
}
