package io.rstwatch.testapps;

/** Prints, for each class name given, whether the application can load it or find its class file. */
public final class ClassVisibility {
    public static void main(String[] args) throws Exception {
        ClassLoader app = ClassVisibility.class.getClassLoader();
        for (String name : args) {
            boolean loads;
            try {
                Class.forName(name, false, app);
                loads = true;
            } catch (ClassNotFoundException e) {
                loads = false;
            }
            boolean resource = app.getResource(name.replace('.', '/') + ".class") != null;
            System.out.println(name + " loads=" + loads + " resource=" + resource);
        }
        // Stay alive long enough for the agent to have loaded its own copies of these classes.
        Thread.sleep(Long.parseLong(System.getProperty("stay.ms", "0")));
    }
}
