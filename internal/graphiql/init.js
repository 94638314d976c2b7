// Starts GraphiQL on the page served by internal/graphiql: everything it loads comes from
// this server (see vendor/), so it works without the internet.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var url = new URL(root.dataset.endpoint, location.href).toString();
  var wsURL = url.replace(/^http/, 'ws'); // same origin: http → ws, https → wss

  // Subscriptions go over graphql-ws (graphql-transport-ws) on the same endpoint. The
  // server reads the token from the connection_init payload, so the payload is what the
  // Headers editor holds; a change there opens a new socket with the new headers.
  var socket = null;
  var socketHeaders = null;
  function wsClient(headers) {
    var key = JSON.stringify(headers || {});
    if (socket && socketHeaders === key) {
      return socket;
    }
    if (socket) {
      socket.dispose();
    }
    socketHeaders = key;
    socket = graphqlWs.createClient({ url: wsURL, connectionParams: headers || {} });
    return socket;
  }

  // operations lists the operations of a GraphQL document, [{type, name}], reading its
  // top level only (comments, strings, selections and arguments skipped). It reads the text
  // sent rather than the parsed document GraphiQL passes, which may lag behind the editor.
  function operations(text) {
    var ops = [];
    var braces = 0;
    var parens = 0;
    var expectName = null;
    var i = 0;
    while (i < text.length) {
      var c = text[i];
      if (c === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (text.startsWith('"""', i)) {
        var end = text.indexOf('"""', i + 3);
        i = end < 0 ? text.length : end + 3;
        continue;
      } else if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      } else if (c === '{') {
        if (braces === 0 && parens === 0 && expectName === null) {
          var last = ops[ops.length - 1];
          if (!last || last.open) ops.push({ type: 'query', name: null }); // shorthand
        }
        if (braces === 0 && ops.length) ops[ops.length - 1].open = true;
        braces++;
        expectName = null;
      } else if (c === '}') {
        braces--;
      } else if (c === '(') {
        parens++;
        expectName = null;
      } else if (c === ')') {
        parens--;
      } else if (/[_A-Za-z]/.test(c)) {
        var j = i;
        while (j < text.length && /[_0-9A-Za-z]/.test(text[j])) j++;
        var word = text.slice(i, j);
        if (braces === 0 && parens === 0 && text[i - 1] !== '@' && text[i - 1] !== '$') {
          if (expectName) {
            expectName.name = word;
            expectName = null;
          } else if (['query', 'mutation', 'subscription', 'fragment'].indexOf(word) >= 0 &&
                     (!ops.length || ops[ops.length - 1].open)) {
            expectName = { type: word, name: null };
            ops.push(expectName);
          }
        }
        i = j;
        continue;
      } else if (c === '@') {
        expectName = null;
      }
      i++;
    }
    return ops.filter(function (o) { return o.type !== 'fragment'; });
  }

  function isSubscription(params) {
    var ops = operations(String(params.query || ''));
    var op = params.operationName
      ? ops.find(function (o) { return o.name === params.operationName; })
      : ops[0];
    return !!op && op.type === 'subscription';
  }

  var http = GraphiQL.createFetcher({ url: url, enableIncrementalDelivery: false });

  function fetcher(params, opts) {
    if (isSubscription(params)) {
      // An async iterator of the events; GraphiQL shows each and calls return() on stop.
      return wsClient((opts && opts.headers) || {}).iterate({
        query: params.query,
        variables: params.variables,
        operationName: params.operationName,
      });
    }
    // Queries and mutations: POST to the endpoint, with the editor's headers.
    return http(params, opts);
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    }),
  );
})();
