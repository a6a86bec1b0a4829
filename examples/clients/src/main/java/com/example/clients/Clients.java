package com.example.clients;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.netty.tcp.TcpClient;
import redis.clients.jedis.Jedis;

/**
 * An application that keeps connecting through a real client to a local port where nothing listens, twice a
 * second, until it is stopped: {@code Clients CLIENT PORT [HOST]} (HOST 127.0.0.1 unless given: a name that does
 * not resolve fails each attempt at its name), CLIENT one of hikari, jedis, kafka, netty-nio, netty-epoll, netty-io-uring, grpc, lettuce-nio,
 * lettuce-epoll, reactor-netty, http-async, okhttp, virtual-threads. Its package, com.example, is the
 * application's; everything it calls is a library's.
 */
public final class Clients {
    /** Where every client connects. */
    private static String host = "127.0.0.1";

    private Clients() {}

    public static void main(String[] args) throws Exception {
        String client = args[0];
        int port = Integer.parseInt(args[1]);
        if (args.length > 2) {
            host = args[2];
        }
        switch (client) {
            case "hikari" -> hikari(port);
            case "jedis" -> jedis(port);
            case "kafka" -> kafka(port);
            case "netty-nio" -> netty(port, NioIoHandler.newFactory(), NioSocketChannel.class);
            case "netty-epoll" -> netty(port, EpollIoHandler.newFactory(), EpollSocketChannel.class);
            case "netty-io-uring" -> netty(port, IoUringIoHandler.newFactory(), IoUringSocketChannel.class);
            case "grpc" -> grpc(port);
            case "lettuce-nio" -> {
                System.setProperty("io.lettuce.core.epoll", "false");
                lettuce(port);
            }
            case "lettuce-epoll" -> {
                System.setProperty("io.lettuce.core.iouring", "false");
                lettuce(port);
            }
            case "reactor-netty" -> reactorNetty(port);
            case "http-async" -> httpAsync(port);
            case "okhttp" -> okHttp(port);
            case "virtual-threads" -> virtualThreads(port);
            default -> throw new IllegalArgumentException("no such client: " + client);
        }
    }

    /** A pool that fails fast: its first connection is made in the constructor, on this thread. */
    static void hikari(int port) throws InterruptedException {
        while (true) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:postgresql://" + host + ":" + port + "/orders");
            config.setUsername("orders");
            config.setPassword("orders");
            config.setConnectionTimeout(250);
            config.setInitializationFailTimeout(1);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                pool.getConnection().close();
            } catch (RuntimeException | java.sql.SQLException e) {
                // refused: the pool could not start
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    static void jedis(int port) throws InterruptedException {
        while (true) {
            try (Jedis jedis = new Jedis(host, port)) {
                jedis.ping();
            } catch (RuntimeException e) {
                // refused
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /**
     * Netty, NIO or native epoll: either way the connect is made on the event loop's thread, in C for epoll, and
     * this thread only asks for it.
     */
    static void netty(int port, IoHandlerFactory transport, Class<? extends Channel> channelType)
            throws InterruptedException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, transport);
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop)
                    .channel(channelType)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {}
                    });
            while (true) {
                bootstrap.connect(host, port).awaitUninterruptibly();
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } finally {
            loop.shutdownGracefully();
        }
    }

    /** gRPC over its shaded Netty, native epoll by default on Linux; each reset of the back-off connects again. */
    static void grpc(int port) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                .build();
        try {
            while (true) {
                channel.resetConnectBackoff();
                channel.getState(true);
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } finally {
            channel.shutdownNow();
        }
    }

    /** Lettuce connects on Netty's event loop; its epoll transport is used when Netty's is on the class path. */
    static void lettuce(int port) throws InterruptedException {
        RedisClient client = RedisClient.create(RedisURI.create(host, port));
        client.setOptions(ClientOptions.builder().autoReconnect(false).build());
        try {
            while (true) {
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    connection.sync().ping();
                } catch (RuntimeException e) {
                    // refused
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } finally {
            client.shutdown();
        }
    }

    /** Reactor Netty's TcpClient, native epoll by default on Linux. */
    static void reactorNetty(int port) throws InterruptedException {
        TcpClient client = TcpClient.create().host(host).port(port);
        while (true) {
            try {
                client.connectNow(Duration.ofSeconds(2)).disposeNow();
            } catch (RuntimeException e) {
                // refused
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** The JDK's HttpClient, asynchronously: the exchange, and its connect, run on the client's own threads. */
    static void httpAsync(int port) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/orders"))
                .build();
        while (true) {
            try {
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .join();
            } catch (CompletionException e) {
                // refused
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** OkHttp 5, synchronously: it still connects on its own TaskRunner threads (fast fallback). */
    static void okHttp(int port) throws InterruptedException {
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder()
                .url("http://" + host + ":" + port + "/orders")
                .build();
        while (true) {
            try (Response response = client.newCall(request).execute()) {
                response.code();
            } catch (IOException e) {
                // refused
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** A plain Socket on a virtual thread (JDK 21 and later; looked up, since this is built for 17). */
    static void virtualThreads(int port) throws Exception {
        ExecutorService threads = (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        while (true) {
            threads.submit(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port), 2000);
                } catch (IOException e) {
                    // refused
                }
            });
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** The producer connects on its own sender thread: no frame of this application is on that stack. */
    static void kafka(int port) throws InterruptedException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, host + ":" + port);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        while (true) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                while (true) {
                    try {
                        producer.send(new ProducerRecord<>("orders", "order", "placed"));
                    } catch (RuntimeException e) {
                        // no metadata: the broker cannot be reached
                    }
                    TimeUnit.MILLISECONDS.sleep(500);
                }
            } catch (org.apache.kafka.common.KafkaException e) {
                // no bootstrap server resolved: the producer could not be made
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }
}
