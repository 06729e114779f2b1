// PeerTube's tracker set up as PeerTube sets it up (its own library's listeners off, a
// websocket server handing connections to it), public mode, for bench/tracker.py to compare.
// Needs `@peertube/bittorrent-tracker-server` and `ws` installed where NODE_PATH points.
// Usage: node bench/peertube_tracker.mjs <port>
import { createServer } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const modules = process.env.NODE_PATH
const { Server } = await import(pathToFileURL(join(modules, '@peertube/bittorrent-tracker-server/index.js')).href)
const { WebSocketServer } = await import(pathToFileURL(join(modules, 'ws/wrapper.mjs')).href)

const tracker = new Server({ http: false, udp: false, ws: false })
tracker.on('warning', () => {})
tracker.on('error', () => {})
const sockets = new WebSocketServer({ noServer: true })
sockets.on('connection', (socket, request) => {
  socket.ip = request.socket.remoteAddress
  tracker.onWebSocketConnection(socket)
})
const http = createServer()
http.on('upgrade', (request, socket, head) => {
  if (request.url !== '/tracker/socket') return socket.destroy()
  sockets.handleUpgrade(request, socket, head, ws => sockets.emit('connection', ws, request))
})
http.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'))
