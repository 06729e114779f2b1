// A real socket.io client (socket.io-client from web/node_modules, the library PeerTube's
// web client and peertube-runner use), driven by JSON commands on stdin, one per line:
//   {"op": "open", "id": "a", "url": "http://host/live-videos", "opts": {...}}
//   {"op": "emit", "id": "a", "event": "subscribe", "args": [{"videoId": 1}]}
//   {"op": "close", "id": "a"}      {"op": "exit"}
// Everything the sockets see comes back on stdout as JSON lines:
//   {"id": "a", "type": "connect" | "connect_error" | "disconnect" | "event" | "ping", ...}
// The Python tests (tests/socketio_client.py) bound every wait in time.
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'

const require = createRequire(process.env.CIRRUS_WEB_DIR + '/package.json')
const { io } = require('socket.io-client')

const sockets = new Map()
const say = (message) => process.stdout.write(JSON.stringify(message) + '\n')

function open ({ id, url, opts }) {
  const socket = io(url, { forceNew: true, reconnection: false, ...opts })
  sockets.set(id, socket)
  socket.on('connect', () => say({ id, type: 'connect', sid: socket.id }))
  socket.on('connect_error', (err) => say({ id, type: 'connect_error', message: err.message }))
  socket.on('disconnect', (reason) => say({ id, type: 'disconnect', reason }))
  socket.onAny((event, ...args) => say({ id, type: 'event', event, args }))
  socket.io.on('ping', () => say({ id, type: 'ping' }))
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const command = JSON.parse(line)
  if (command.op === 'open') open(command)
  else if (command.op === 'emit') sockets.get(command.id).emit(command.event, ...(command.args || []))
  else if (command.op === 'close') sockets.get(command.id).disconnect()
  else if (command.op === 'exit') process.exit(0)
})
lines.on('close', () => process.exit(0))
say({ type: 'ready' })
