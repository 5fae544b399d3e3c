// satori-js 2.5.1 reads XMLHttpRequest.prototype on every request; under node a shim whose prototype
// has a withCredentials getter and setter is needed (without the setter it sends credentials that
// node's fetch refuses). That is the only thing provided to the SDK. Import this module before
// importing "@heroiclabs/satori-js".

globalThis.XMLHttpRequest = class XMLHttpRequest {
  get withCredentials() { return false; }
  set withCredentials(value) { }
};
