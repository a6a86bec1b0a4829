/** The application of the benches that measure the agent alone: a JVM that does nothing but sleep. */
public class Idle {
    public static void main(String[] a) throws Exception {
        Thread.sleep(Long.MAX_VALUE);
    }
}
