// A tiny OpenAI-compatible chat server over node-llama-cpp, so CI can run one workflow against a
// real (small) local model through Joan's OpenAI-compatible provider. Started by ../llm.sh.
//
//   node server.mjs MODEL.gguf PORT_FILE [WATCH_PID]
//
// Listens on 127.0.0.1 at a port the system picks (no race with other servers for a "free"
// port), writes that port to PORT_FILE once the model is loaded and warmed up, and exits when
// WATCH_PID (the shell of the CI run) is gone, so it never outlives the run that started it.
//
// Speaks POST /v1/chat/completions (non-streaming, with `usage`) and GET /v1/models. Requests
// are served one at a time on one context sequence, from a cleared sequence each time, so
// `usage.prompt_tokens` is the whole prompt and answers do not depend on earlier requests.
// `response_format` json_object / json_schema is honoured with a grammar, as llama.cpp's own
// server does, so even a 135M model answers parseable JSON when asked for JSON.
import { createServer } from "node:http";
import { writeFileSync, renameSync } from "node:fs";
import { basename } from "node:path";
import { getLlama, LlamaChat, LlamaLogLevel } from "node-llama-cpp";

const [modelPath, portFile, watchPid] = process.argv.slice(2);
if (!modelPath || !portFile) {
    console.error("usage: node server.mjs MODEL.gguf PORT_FILE [WATCH_PID]");
    process.exit(2);
}
/** Keeps answers short enough for CI: a 135M model rambles until the limit otherwise. */
const DEFAULT_MAX_TOKENS = Number(process.env.JOAN_LLM_MAX_TOKENS || 128);
const CONTEXT_SIZE = Number(process.env.JOAN_LLM_CONTEXT || 4096);
/**
 * One thread by default: on a busy 2-core machine (CI builds and tests beside it) llama.cpp's
 * threads spin at every barrier waiting for a core, and a 4-token answer took 35 s with 2
 * threads where it takes 0.2 s with one.
 */
const THREADS = Number(process.env.JOAN_LLM_THREADS || 1);
const MAX_BODY = 1 << 20;
const modelName = basename(modelPath, ".gguf");

const log = (...args) => console.error(new Date().toISOString(), ...args);

// Prebuilt CPU binaries only: building from source would need downloads CI cannot make.
const llama = await getLlama({
    gpu: false,
    build: "never",
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.warn,
    maxThreads: THREADS,
});
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const context = await model.createContext({ contextSize: CONTEXT_SIZE, sequences: 1, threads: THREADS });
const sequence = context.getSequence();
const chat = new LlamaChat({ contextSequence: sequence });
log(`loaded ${modelPath} (${llama.buildType} binary, ${context.currentThreads} thread(s), context ${context.contextSize})`);

/** One request at a time: the sequence is shared, and 2 cores gain nothing from parallel runs. */
let queue = Promise.resolve();
const serialized = (work) => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
};

class BadRequest extends Error {}

/** OpenAI content is a string or an array of parts; only text parts carry anything here. */
function contentText(content, index) {
    if (typeof content === "string") return content;
    if (content == null) return "";
    if (Array.isArray(content)) {
        return content
            .map((part) => {
                if (part && part.type === "text" && typeof part.text === "string") return part.text;
                throw new BadRequest(`messages[${index}].content: only text parts are supported`);
            })
            .join("");
    }
    throw new BadRequest(`messages[${index}].content must be a string or an array of text parts`);
}

/** OpenAI messages to node-llama-cpp's chat history, ending with the model's (empty) turn. */
function chatHistory(messages) {
    if (!Array.isArray(messages) || messages.length === 0) {
        throw new BadRequest("messages must be a non-empty array");
    }
    const history = [];
    messages.forEach((message, index) => {
        if (message === null || typeof message !== "object") {
            throw new BadRequest(`messages[${index}] must be an object`);
        }
        const text = contentText(message.content, index);
        switch (message.role) {
            case "system":
            case "developer":
                history.push({ type: "system", text });
                break;
            case "user":
                history.push({ type: "user", text });
                break;
            case "assistant":
                history.push({ type: "model", response: [text] });
                break;
            default:
                throw new BadRequest(`messages[${index}].role must be system, developer, user or assistant`);
        }
    });
    if (history[history.length - 1].type === "model") {
        throw new BadRequest("the last message must not be the assistant's");
    }
    history.push({ type: "model", response: [] });
    return history;
}

function optionalNumber(body, name, min, max) {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
        throw new BadRequest(`${name} must be a number from ${min} to ${max}`);
    }
    return value;
}

async function grammarFor(responseFormat) {
    if (responseFormat == null || responseFormat.type === "text") return undefined;
    if (responseFormat.type === "json_object") return llama.getGrammarFor("json");
    if (responseFormat.type === "json_schema") {
        const schema = responseFormat.json_schema?.schema;
        if (schema == null || typeof schema !== "object") return llama.getGrammarFor("json");
        try {
            return await llama.createGrammarForJsonSchema(schema);
        } catch (error) {
            // Schemas beyond node-llama-cpp's subset still get JSON, just not schema-shaped.
            log(`json_schema not usable as a grammar (${error.message}); plain JSON instead`);
            return llama.getGrammarFor("json");
        }
    }
    throw new BadRequest("response_format.type must be text, json_object or json_schema");
}

async function completion(body) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
        throw new BadRequest("the body must be a JSON object");
    }
    if (body.stream === true) throw new BadRequest("stream is not supported");
    const history = chatHistory(body.messages);
    // Larger than the context is clamped, as llama.cpp's server does, rather than refused.
    const maxTokens = Math.min(
        CONTEXT_SIZE,
        optionalNumber(body, "max_completion_tokens", 1, Number.MAX_SAFE_INTEGER) ??
            optionalNumber(body, "max_tokens", 1, Number.MAX_SAFE_INTEGER) ??
            DEFAULT_MAX_TOKENS,
    );
    const temperature = optionalNumber(body, "temperature", 0, 2) ?? 0;
    const topP = optionalNumber(body, "top_p", 0, 1);
    const seed = optionalNumber(body, "seed", 0, Number.MAX_SAFE_INTEGER);
    // llama.cpp's own server defaults (1.1 over the last 64 tokens): without a repeat penalty
    // a 135M model loops on one sentence until max_tokens.
    const repeatPenalty = {
        lastTokens: 64,
        penalty: 1.1,
        frequencyPenalty: optionalNumber(body, "frequency_penalty", -2, 2),
        presencePenalty: optionalNumber(body, "presence_penalty", -2, 2),
    };
    const stop = body.stop == null ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
    if (!stop.every((s) => typeof s === "string" && s.length > 0)) {
        throw new BadRequest("stop must be a string or an array of strings");
    }
    const grammar = await grammarFor(body.response_format);

    return serialized(async () => {
        await sequence.clearHistory();
        const before = sequence.tokenMeter.getState();
        const started = Date.now();
        const result = await chat.generateResponse(history, {
            maxTokens,
            temperature,
            topP,
            seed,
            repeatPenalty,
            grammar,
            customStopTriggers: stop.length > 0 ? stop : undefined,
        });
        const used = sequence.tokenMeter.diff(before);
        const finishReason = result.metadata.stopReason === "maxTokens" ? "length" : "stop";
        log(
            `completion: ${used.usedInputTokens} in, ${used.usedOutputTokens} out, ` +
                `${Date.now() - started} ms, ${result.metadata.stopReason}`,
        );
        return {
            id: `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: typeof body.model === "string" && body.model !== "" ? body.model : modelName,
            choices: [
                {
                    index: 0,
                    message: { role: "assistant", content: result.response },
                    finish_reason: finishReason,
                },
            ],
            usage: {
                prompt_tokens: used.usedInputTokens,
                completion_tokens: used.usedOutputTokens,
                total_tokens: used.usedInputTokens + used.usedOutputTokens,
            },
        };
    });
}

function send(res, status, value) {
    const body = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
}

function sendError(res, status, message, type) {
    send(res, status, { error: { message, type, param: null, code: null } });
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on("data", (chunk) => {
            size += chunk.length;
            if (size > MAX_BODY) {
                reject(new BadRequest("the body is larger than 1 MiB"));
                req.destroy();
            } else chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://localhost").pathname.replace(/\/+$/, "");
    try {
        if (req.method === "GET" && (path === "/v1/models" || path === "/models")) {
            send(res, 200, { object: "list", data: [{ id: modelName, object: "model", owned_by: "local" }] });
        } else if (req.method === "GET" && path === "/health") {
            send(res, 200, { status: "ok" });
        } else if (req.method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions")) {
            let body;
            try {
                body = JSON.parse(await readBody(req));
            } catch (error) {
                throw error instanceof BadRequest ? error : new BadRequest(`the body is not JSON: ${error.message}`);
            }
            send(res, 200, await completion(body));
        } else {
            sendError(res, 404, `no route ${req.method} ${path}`, "not_found_error");
        }
    } catch (error) {
        if (error instanceof BadRequest) {
            sendError(res, 400, error.message, "invalid_request_error");
        } else {
            log("error:", error);
            sendError(res, 500, String(error?.message ?? error), "server_error");
        }
    }
});

// Warm up once (the first evaluation allocates buffers) before anyone is told the port.
await completion({ messages: [{ role: "user", content: "Say OK." }], max_tokens: 4 });

server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    // Written whole or not at all: llm.sh polls for this file.
    writeFileSync(`${portFile}.tmp`, `${port}\n`);
    renameSync(`${portFile}.tmp`, portFile);
    log(`listening on http://127.0.0.1:${port}/v1`);
});

const stop = (why) => {
    log(`stopping: ${why}`);
    server.close();
    process.exit(0);
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
if (watchPid) {
    setInterval(() => {
        try {
            process.kill(Number(watchPid), 0);
        } catch (error) {
            if (error.code === "ESRCH") stop(`process ${watchPid} is gone`);
        }
    }, 2000).unref();
}
