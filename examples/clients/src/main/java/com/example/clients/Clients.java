package com.example.clients;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.Jedis;

/**
 * An application that keeps connecting through a real client to a local port where nothing listens, twice a
 * second, until it is stopped: {@code Clients hikari|jedis|kafka|netty-epoll|grpc PORT}. Its package, com.example, is the
 * application's; everything it calls is a library's.
 */
public final class Clients {
    private Clients() {}

    public static void main(String[] args) throws Exception {
        String client = args[0];
        int port = Integer.parseInt(args[1]);
        switch (client) {
            case "hikari" -> hikari(port);
            case "jedis" -> jedis(port);
            case "kafka" -> kafka(port);
            case "netty-epoll" -> nettyEpoll(port);
            case "grpc" -> grpc(port);
            default -> throw new IllegalArgumentException("no such client: " + client);
        }
    }

    /** A pool that fails fast: its first connection is made in the constructor, on this thread. */
    static void hikari(int port) throws InterruptedException {
        while (true) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/orders");
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
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                jedis.ping();
            } catch (RuntimeException e) {
                // refused
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Netty's native epoll transport: the connect is made in C, on the event loop's thread. */
    static void nettyEpoll(int port) throws InterruptedException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop)
                    .channel(EpollSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {}
                    });
            while (true) {
                bootstrap.connect("127.0.0.1", port).awaitUninterruptibly();
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } finally {
            loop.shutdownGracefully();
        }
    }

    /** gRPC over its shaded Netty, native epoll by default on Linux; each reset of the back-off connects again. */
    static void grpc(int port) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", port, InsecureChannelCredentials.create())
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

    /** The producer connects on its own sender thread: no frame of this application is on that stack. */
    static void kafka(int port) throws InterruptedException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            while (true) {
                try {
                    producer.send(new ProducerRecord<>("orders", "order", "placed"));
                } catch (RuntimeException e) {
                    // no metadata: the broker cannot be reached
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }
}
